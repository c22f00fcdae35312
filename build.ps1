<#
.SYNOPSIS
    The front door of the VmMigration build. Tasks: Bootstrap, Build, Docs, Test, Bench, Demo, Package, Clean.
.DESCRIPTION
    Called directly (dotnet pwsh ./build.ps1 <Task>), it restores Invoke-Build and Pester from NuGet and runs itself
    under Invoke-Build. Bootstrap installs the Debian packages the lab needs when they are missing (root only).
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Demo
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [string[]] $Tasks = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Pester tests to run (paths or names under tests/pester); all when empty.
    [string[]] $PesterPath = @(),
    # Test without the lab: xunit and the Pester tests that need no lab (tagged 'Lab' are reported as skipped). Minutes, not a quarter hour.
    [switch] $NoLab
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list
    return ($line -replace '^global-packages:\s*', '').Trim()
}

# Direct call: bring the build tools and hand over to Invoke-Build, which dot-sources this script for its tasks.
if ([System.IO.Path]::GetFileName($MyInvocation.ScriptName) -ne 'Invoke-Build.ps1') {
    & dotnet restore (Join-Path $PSScriptRoot '.config/build-tools/BuildTools.csproj') --nologo -v quiet
    if ($LASTEXITCODE) { throw "Restoring the build tools (Invoke-Build, Pester) from NuGet failed." }
    $invokeBuild = Join-Path (Get-NuGetPackageRoot) 'invoke-build/5.14.23/tools/Invoke-Build.ps1'
    $summaryFile = Join-Path $PSScriptRoot 'out/test-results/summary.txt'
    Remove-Item $summaryFile -ErrorAction Ignore
    try {
        & $invokeBuild -Task $Tasks -File $PSCommandPath -Configuration $Configuration -PesterPath $PesterPath -NoLab:$NoLab
    }
    finally {
        # The test run ends with its plain summary line, after everything Invoke-Build prints.
        if (Test-Path $summaryFile) { Write-Host (Get-Content $summaryFile -Raw).Trim() }
    }
    return
}

$script:Root = $PSScriptRoot
$script:Version = ([xml](Get-Content (Join-Path $Root 'Directory.Build.props') -Raw)).Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1
$script:ModuleOut = Join-Path $Root "out/VmMigration/$Version"
Import-Module (Join-Path $Root '.config/build-tools/Prerequisites.psm1') -Force
# Why the lab cannot run here ($null when it can), set by Bootstrap; the lab tests are then reported as skipped with it.
$script:LabUnavailable = $null

# Synopsis: Install what is missing (the lab's Debian packages, the pinned PowerShell tool, the NuGet packages), then check the lab's programs run.
task Bootstrap {
    if ($NoLab) {
        $script:LabUnavailable = '-NoLab was given'
    }
    elseif (-not $IsLinux) {
        $script:LabUnavailable = Get-LabUnavailableReason
        Write-Warning "No lab on this machine: $LabUnavailable. The module builds; the lab's tests and the demo need Linux (Debian 12) as root."
    }
    else {
        $missing = @(Get-MissingDebianPackage)
        $isRoot = (& id -u) -eq '0'
        if ($missing.Count -and $isRoot -and (Test-Path /etc/debian_version)) {
            Write-Build Cyan "Installing Debian packages: $($missing -join ' ')"
            $env:DEBIAN_FRONTEND = 'noninteractive'
            exec { apt-get update -q }
            exec { apt-get install -y -q --no-install-recommends @missing }
            $missing = @(Get-MissingDebianPackage)
            if ($missing.Count) { throw "apt-get finished but these packages are still not installed: $($missing -join ', '). Install them by hand: apt-get install $($missing -join ' ')" }
        }
        elseif ($missing.Count) {
            $how = if (-not $isRoot) { "run this as root, or install them: sudo apt-get install $($missing -join ' ')" } else { "this is not Debian: install their equivalents by hand" }
            Write-Warning "Missing packages the lab needs: $($missing -join ', '); $how."
        }
        $script:LabUnavailable = Get-LabUnavailableReason
        if ($LabUnavailable -and $isRoot -and (Test-Path /etc/debian_version)) {
            # Installed, yet something the lab runs is not there: say exactly what, and where it comes from.
            throw "The lab cannot run: $LabUnavailable. Install with: apt-get install $((@(Get-MissingLabProgram).Package | Select-Object -Unique) -join ' ')"
        }
        if ($LabUnavailable) { Write-Warning "No lab on this machine: $LabUnavailable. The lab's tests will be reported as skipped." }
    }
    exec { dotnet tool restore }
    exec { dotnet restore (Join-Path $Root 'VmMigration.sln') --nologo -v quiet }
}

# Synopsis: Compile the lab guest (a freestanding multiboot kernel) with the machine's gcc and ld.
# Built only where it can be (Linux with gcc and ld): the module itself builds anywhere.
task Guest {
    $cannot = if (-not $IsLinux) { 'this machine is not Linux' }
    else { @(Get-MissingLabProgram -NeededBy Guest) | ForEach-Object { "$($_.Program) is missing (package $($_.Package))" } }
    if ($cannot) {
        Write-Warning "The lab guest is not built: $($cannot -join '; '). The module works without it; the lab's New-MigrationLabVM needs it."
        return
    }
    $guestOut = Join-Path $ModuleOut 'guest'
    New-Item -ItemType Directory -Force $guestOut | Out-Null
    exec { bash (Join-Path $Root 'module/guest/build.sh') $guestOut }
}

# Synopsis: Build the assemblies and lay the module out under out/VmMigration/<version>.
task Build Guest, {
    exec { dotnet build (Join-Path $Root 'src/VmMigration.Commands/VmMigration.Commands.csproj') -c $Configuration --nologo -v quiet }
    $bin = Join-Path $Root "src/VmMigration.Commands/bin/$Configuration/netstandard2.0"
    New-Item -ItemType Directory -Force $ModuleOut | Out-Null
    # Ship our assemblies and System.Text.Json with its dependencies, which Windows PowerShell 5.1 would need (the
    # manifest claims Core only for now; on Core the host's newer copies load). PowerShell's own come from the host.
    Get-ChildItem $bin -Filter *.dll | Where-Object { $_.Name -notlike 'System.Management.Automation*' } |
        Copy-Item -Destination $ModuleOut -Force
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Recurse -Force -Exclude 'guest'
    # The package carries its licence and its changes (the manifest has no LicenseUri or ProjectUri to point at).
    Copy-Item (Join-Path $Root 'LICENSE'), (Join-Path $Root 'CHANGELOG.md') $ModuleOut -Force
    Set-Content (Join-Path $ModuleOut 'VmMigration.psd1') (Get-ShippedManifest (Join-Path $Root 'VmMigration.psd1')) -NoNewline
}, Docs

# The manifest as shipped: the version from the one version source, and a PSCommand_ and PSCmdlet_ tag per exported
# cmdlet, which Find-PSResource -Command searches and Publish-PSResource (1.2.0) does not add. Generated from
# CmdletsToExport so that list stays the only one.
function Get-ShippedManifest([string] $Path) {
    $text = Get-Content $Path -Raw
    $commandTags = foreach ($name in (Import-PowerShellDataFile $Path).CmdletsToExport) { "'PSCommand_$name'"; "'PSCmdlet_$name'" }
    $tagList = [regex] "(?<=\bTags\s*=\s*@\()([^)]*)(?=\))"
    if (-not $tagList.IsMatch($text)) { throw "$Path has no PrivateData.PSData.Tags = @(...) to add the command tags to." }
    $text = $tagList.Replace($text, { param($tags) "$($tags.Value), $($commandTags -join ', ')" }, 1)
    $text -replace "ModuleVersion(\s*)=\s*'[^']*'", "ModuleVersion`$1= '$Version'"
}

# Synopsis: Turn docs/VmMigration/*.md (PlatyPS markdown layout) into en-US/VmMigration.dll-Help.xml.
task Docs {
    . (Join-Path $Root 'docs/tools/ConvertTo-MamlHelp.ps1')
    $helpOut = Join-Path $ModuleOut 'en-US'
    New-Item -ItemType Directory -Force $helpOut | Out-Null
    ConvertTo-MamlHelp -MarkdownPath (Get-ChildItem (Join-Path $Root 'docs/VmMigration') -Filter *.md).FullName `
        -OutputPath (Join-Path $helpOut 'VmMigration.dll-Help.xml')
}

# Synopsis: Run every test (xunit and Pester) and print one summary line.
task Test Bootstrap, Build, {
    $results = Join-Path $Root 'out/test-results'
    Remove-Item $results -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Force $results | Out-Null

    $xunit = Invoke-XunitTests -ResultsDirectory $results
    $pester = Invoke-PesterTests -ResultsDirectory $results -LabUnavailable $LabUnavailable
    $passed = $xunit.Passed + $pester.Passed
    # A runner that crashed counts as a failure even when it reported none.
    $failed = $xunit.Failed + $pester.Failed + [int]($xunit.RunFailed -and $xunit.Failed -eq 0) + [int]($pester.RunFailed -and $pester.Failed -eq 0)
    $skipped = $xunit.Skipped + $pester.Skipped
    # xunit ran first: its failures are far up the log, so they are named again here (Pester's runner ends with its own).
    if ($xunit.FailedNames.Count) { Write-Host "xunit failed ($($xunit.FailedNames.Count)):"; $xunit.FailedNames | ForEach-Object { Write-Host "  $_" } }
    Write-Build White "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    $summaryLine = "$passed passed, $failed failed, $skipped skipped"
    Write-Host $summaryLine
    Set-Content (Join-Path $results 'summary.txt') $summaryLine
    if ($failed -gt 0 -or $xunit.RunFailed -or $pester.RunFailed) { throw "$failed test(s) failed." }
    if ($passed -eq 0) { throw 'No test ran.' }
}

function Invoke-XunitTests([string] $ResultsDirectory) {
    $counts = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0; RunFailed = $false; FailedNames = [Collections.Generic.List[string]]::new() }
    foreach ($project in Get-ChildItem (Join-Path $Root 'tests') -Filter *.Tests.csproj -Recurse) {
        $trx = "$($project.BaseName).trx"
        & dotnet test $project.FullName -c $Configuration --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' --results-directory $ResultsDirectory | Out-Host
        if ($LASTEXITCODE) { $counts.RunFailed = $true }
        $trxPath = Join-Path $ResultsDirectory $trx
        if (-not (Test-Path $trxPath)) { $counts.RunFailed = $true; continue }
        $run = ([xml](Get-Content $trxPath -Raw)).TestRun
        $summary = $run.ResultSummary.Counters
        foreach ($failure in @($run.Results.UnitTestResult | Where-Object outcome -ne 'Passed' | Where-Object outcome -ne 'NotExecuted')) { $counts.FailedNames.Add($failure.testName) }
        $counts.Passed += [int]$summary.passed
        $counts.Failed += [int]$summary.failed + [int]$summary.error + [int]$summary.timeout + [int]$summary.aborted
        $counts.Skipped += [int]$summary.notExecuted
    }
    $counts
}

# Pester runs in a child pwsh against the built module so this process never loads (or locks) the DLLs.
function Invoke-PesterTests([string] $ResultsDirectory, [string] $LabUnavailable) {
    $counts = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0; RunFailed = $false }
    $summaryFile = Join-Path $ResultsDirectory 'pester-summary.json'
    $paths = if ($PesterPath.Count) { $PesterPath } else { @(Join-Path $Root 'tests/pester') }
    $pesterModule = Join-Path (Get-NuGetPackageRoot) 'pester/6.2.0/tools/Pester.psd1'
    $runner = Join-Path $Root 'tests/pester/Invoke-PesterRun.ps1'
    & dotnet pwsh -NoProfile -NonInteractive -File $runner -PesterModule $pesterModule -ModulePath (Join-Path $ModuleOut 'VmMigration.psd1') `
        -Path $paths -ResultsDirectory $ResultsDirectory -SummaryPath $summaryFile -LabUnavailable "$LabUnavailable" | Out-Host
    if ($LASTEXITCODE -and -not (Test-Path $summaryFile)) { $counts.RunFailed = $true; return $counts }
    $summary = Get-Content $summaryFile -Raw | ConvertFrom-Json
    $counts.Passed = $summary.Passed; $counts.Failed = $summary.Failed; $counts.Skipped = $summary.Skipped
    if ($summary.Result -ne 'Passed' -and $summary.Failed -eq 0) { $counts.RunFailed = $true }
    $counts
}

# Synopsis: Start a 3-host lab, boot three guests, live-migrate one, show the result, stop the lab.
task Demo Bootstrap, Build, {
    if ($LabUnavailable) { throw "The demo runs on the local lab, which cannot run here: $LabUnavailable." }
    exec { dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'docs/demo/Invoke-Demo.ps1') -ModulePath (Join-Path $ModuleOut 'VmMigration.psd1') }
}

# Synopsis: Run the benchmarks under bench/ and print their side-by-side tables.
task Bench Bootstrap, Build, {
    exec { dotnet run -c Release --project (Join-Path $Root 'bench/planner/PlannerBench.csproj') }
    foreach ($script in Get-ChildItem (Join-Path $Root 'bench') -Filter 'Invoke-*Bench.ps1' -Recurse) {
        exec { dotnet pwsh -NoProfile -NonInteractive -File $script.FullName -ModulePath (Join-Path $ModuleOut 'VmMigration.psd1') }
    }
}

# Synopsis: Make a .nupkg that Install-PSResource can install from a local folder repository.
task Package Build, {
    $packageOut = Join-Path $Root 'out/package'
    New-Item -ItemType Directory -Force $packageOut | Out-Null
    exec { dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'docs/tools/Publish-LocalPackage.ps1') -ModuleDirectory $ModuleOut -Repository $packageOut }
}

# Synopsis: Remove build output.
task Clean {
    $targets = @(Join-Path $Root 'out') + @(Get-ChildItem (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Directory -Recurse -Include bin, obj).FullName
    foreach ($dir in $targets) { Remove-Item $dir -Recurse -Force -ErrorAction Ignore }
}

task . Build
