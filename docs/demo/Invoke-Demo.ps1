<#
.SYNOPSIS
    The README's demo: a 3-host lab on this machine, three small guests, one live migration, the result, then a clean stop.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $LabPath = '/var/lib/vmmigration/demo-lab'
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../tools/LabScript.psm1')

function Show([string] $Title, [scriptblock] $Command) {
    Write-Host ''
    Write-Host "PS> $($Command.ToString().Trim())" -ForegroundColor Cyan
    & $Command | Out-Host
}

$clock = [Diagnostics.Stopwatch]::StartNew()
$failed = $true
try {
    Show 'lab' { Start-MigrationLab -HostCount 3 -Path $LabPath }
    Show 'guests' {
        New-MigrationLabVM -HostName lab1 -Name web1 -MemoryMB 256 -WorkingSetMB 64 -DirtyRateMBps 4
        New-MigrationLabVM -HostName lab2 -Name db1 -MemoryMB 256 -WorkingSetMB 32 -DirtyRateMBps 1
        New-MigrationLabVM -HostName lab3 -Name cache1 -MemoryMB 128 -WorkingSetMB 16
    }
    Show 'lab' { Get-MigrationLab -Path $LabPath | Format-List Path, Accelerator, @{ Name = 'Hosts'; Expression = { $_.Hosts.Name -join ', ' } } }
    Show 'hosts' { Get-MigrationHost }
    Show 'vms' { Get-MigrationVM }
    Show 'check' { Test-VMMigration -VM web1 -Destination lab2 | Format-List VMName, Source, Destination, Compatible, Reasons }
    Show 'move' { ($script:result = Move-VMLive -VM web1 -Destination lab2 -MaxDowntimeMs 300 -TimeoutSec 120 -Confirm:$false) }
    Show 'details' { $script:result | Format-List VMName, Source, Destination, Status, Strategy, Phase, RunningOn, DurationMs, DowntimeMs, TransferredBytes, Iterations, DirtyRateMBps }
    Show 'integrity' { Test-MigrationLabVM -VM web1 }
    Show 'after' { Get-MigrationVM }
    $failed = $false
}
finally {
    Write-Host ''
    Write-Host "PS> Stop-MigrationLab -Path $LabPath -Force" -ForegroundColor Cyan
    Stop-ScriptLab -LabPath $LabPath -AfterFailure:$failed
}
Write-Host ("Demo finished in {0:N1} s; the lab is stopped and no libvirtd or QEMU of it is left." -f $clock.Elapsed.TotalSeconds)
