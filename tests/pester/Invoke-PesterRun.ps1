<#
.SYNOPSIS
    Runs the Pester tests against the built module in this (child) process and writes a JSON summary for build.ps1.
#>
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string[]] $Path,
    [Parameter(Mandatory)] [string] $ResultsDirectory,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # Why the lab cannot run (empty when it can): the tests tagged 'Lab' are then not run and counted as skipped.
    [string] $LabUnavailable
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force
Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
$env:VMMIGRATION_MODULE = $ModulePath

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = Join-Path $ResultsDirectory 'pester.xml'
if ($LabUnavailable) {
    $configuration.Filter.ExcludeTag = 'Lab'
    Write-Host "The tests that need the lab (tag 'Lab') are skipped: $LabUnavailable."
}
try {
    $result = Invoke-Pester -Configuration $configuration
}
finally {
    # A test file whose cleanup let a lab, a mount or a directory through: removed here, and named as a failure below.
    $leftovers = @(if ($IsLinux) { Clear-TestLabLeftover -OwnerPid $PID })
}
if ($leftovers.Count) {
    Write-Host "Left behind by the tests (removed now; the cleanup of the test file that made it is broken):"
    $leftovers | ForEach-Object { Write-Host "  $_" }
}

# A recap of what failed, last, so a log cut to its tail (a CI excerpt) still says which tests failed and why.
$failures = @($result.Failed) + @($result.FailedBlocks) + @($result.FailedContainers)
if ($failures.Count -gt 0) {
    Write-Host "Failed ($($failures.Count)):"
    foreach ($failure in $failures) {
        $name = if ($failure.ExpandedPath) { $failure.ExpandedPath } elseif ($failure.Item) { "$($failure.Item)" } else { "$($failure.Name)" }
        $reason = @($failure.ErrorRecord | ForEach-Object { "$($_.Exception.Message)" -split "`n" | Select-Object -First 3 }) -join ' | '
        if (-not $reason) { $reason = '(no error of its own: the block around it failed)' }
        Write-Host "  $name"
        Write-Host "    $reason"
    }
}

[pscustomobject]@{
    Result  = $result.Result
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount + [int]($leftovers.Count -gt 0)
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content $SummaryPath
exit ([int]($result.Result -ne 'Passed' -or $leftovers.Count -gt 0))
