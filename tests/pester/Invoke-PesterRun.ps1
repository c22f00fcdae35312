<#
.SYNOPSIS
    Runs the Pester tests against the built module in this (child) process and writes a JSON summary for build.ps1.
#>
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string[]] $Path,
    [Parameter(Mandatory)] [string] $ResultsDirectory,
    [Parameter(Mandatory)] [string] $SummaryPath
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force
$env:VMMIGRATION_MODULE = $ModulePath

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = Join-Path $ResultsDirectory 'pester.xml'
$result = Invoke-Pester -Configuration $configuration

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
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content $SummaryPath
exit ([int]($result.Result -ne 'Passed'))
