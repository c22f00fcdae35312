#requires -Modules Pester
# Invoke-RollingMaintenance on a 4-host lab with 8 guests under affinity and anti-affinity rules, the scripts restarting
# their hosts for real (Restart-MigrationLabHost). A witness samples virsh on every host through each run: a VM that is
# running or paused on no host in a sample was lost. One lab for the whole file.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ChildProcess.psm1') -Force
    $script:LabPath = Get-TestLabPath rolling
    # Journals and maintenance marks of this file's runs (and of its killed runners) stay in its own state directory.
    $env:VMMIGRATION_STATE_DIR = Join-Path $TestDrive 'state'
    $script:Hosts = 'lab1', 'lab2', 'lab3', 'lab4'
    Start-MigrationLab -HostCount 4 -Path $LabPath | Out-Null
    $script:Guests = 1..8 | ForEach-Object { "rm$_" }
    foreach ($i in 1..8) {
        # Two a host; rm2, rm4, rm6 write memory all the time so their moves take a few rounds.
        New-MigrationLabVM -HostName $Hosts[($i - 1) % 4] -Name "rm$i" -MemoryMB 32 -WorkingSetMB 4 -DirtyRateMBps ($i % 2 -eq 0 ? 2 : 0) -Confirm:$false | Out-Null
    }
    $script:Rules = Join-Path $TestDrive 'rules.json'
    New-MigrationRule -Path $Rules -Name rm-together -Kind Affinity -VM rm1, rm5 | Out-Null
    New-MigrationRule -Path $Rules -Name rm-apart -Kind AntiAffinity -VM rm3, rm4 | Out-Null

    <# Samples every host with virsh until the returned job is stopped; its output is one line per VM found on no host. #>
    function Start-Witness {
        Start-ThreadJob -ArgumentList $LabPath, $Hosts, $Guests, (Join-Path $PSScriptRoot 'LabWitness.psm1') -ScriptBlock {
            param($LabPath, $Hosts, $Guests, $WitnessModule)
            Import-Module $WitnessModule
            while ($true) {
                $seen = @{}
                foreach ($h in $Hosts) {
                    $list = (Invoke-Virsh $LabPath $h @('list', '--state-running', '--state-paused', '--name')).Output
                    foreach ($name in ($list -split "`n")) { if ($name.Trim()) { $seen[$name.Trim()] = $true } }
                }
                foreach ($g in $Guests) { if (-not $seen[$g]) { "$([DateTime]::UtcNow.ToString('HH:mm:ss.fff')) $g on no host" } }
                Start-Sleep -Milliseconds 250
            }
        }
    }

    function Stop-Witness($Witness) {
        $Witness | Stop-Job
        $lost = @($Witness | Receive-Job)
        $Witness | Remove-Job -Force
        $lost
    }

    <# Every guest runs on exactly one host, its memory intact, the rules held. #>
    function Assert-ClusterWhole {
        foreach ($g in $Guests) {
            $placement = @(Get-VirshPlacement $LabPath $Hosts $g)
            $placement.Count | Should -Be 1 -Because "$g must be defined on exactly one host (found: $($placement | Out-String))"
            $placement[0].State | Should -Be 'running' -Because "$g must keep running"
        }
        foreach ($check in Get-MigrationVM | Where-Object Name -Like 'rm*' | Test-MigrationLabVM -IntervalMs 300) {
            $check.Intact | Should -BeTrue -Because "$($check.VMName): $($check.Message)"
        }
        (Get-VirshPlacement $LabPath $Hosts rm1).Host | Should -Be (Get-VirshPlacement $LabPath $Hosts rm5).Host -Because 'rm-together keeps rm1 and rm5 on one host'
        (Get-VirshPlacement $LabPath $Hosts rm3).Host | Should -Not -Be (Get-VirshPlacement $LabPath $Hosts rm4).Host -Because 'rm-apart keeps rm3 and rm4 apart'
    }

    function Format-Hosts($Output) {
        ($Output | Where-Object { $_ -is [VmMigration.HostMaintenanceResult] } | ForEach-Object { "$($_.HostName): $($_.Status) $($_.Phase) $($_.ErrorId) $($_.Message)" }) -join ' | '
    }

    <# Brings every lab host that is down back up and out of maintenance, as an operator would between tests. #>
    function Reset-Cluster {
        Start-MigrationLab -HostCount 4 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
        foreach ($h in $Hosts) {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Get-MigrationHost -Name $h).State -eq 'Unreachable' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 300 }
            if ((Get-MigrationHost -Name $h).State -eq 'Maintenance') { Resume-MigrationHost -HostName $h -Confirm:$false | Out-Null }
        }
    }

}

AfterAll {
    Remove-Item Env:VMMIGRATION_STATE_DIR -ErrorAction Ignore
    Stop-TestLab -Path $script:LabPath
}

Describe 'Invoke-RollingMaintenance on the lab' -Tag Lab {
    It 'a run the cluster cannot absorb is refused before any move, every blocker listed' {
        $pinned = Join-Path $TestDrive 'pinned.json'
        Copy-Item $Rules $pinned
        New-MigrationRule -Path $pinned -Name rm2-only-lab2 -Kind MustRunOn -VM rm2 -HostName lab2 | Out-Null
        New-MigrationRule -Path $pinned -Name rm7-only-lab3 -Kind MustRunOn -VM rm7 -HostName lab3 | Out-Null
        $before = foreach ($g in $Guests) { (Get-VirshPlacement $LabPath $Hosts $g).Host }

        { Invoke-RollingMaintenance -HostName $Hosts -RulePath $pinned -ScriptBlock { } -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'RollingMaintenanceInfeasible,VmMigration.Commands.InvokeRollingMaintenanceCommand'
        $said = $Error[0].Exception.Message
        $said | Should -Match 'rm2' ; $said | Should -Match 'rm2-only-lab2'
        $said | Should -Match 'rm7' ; $said | Should -Match 'rm7-only-lab3'
        $after = foreach ($g in $Guests) { (Get-VirshPlacement $LabPath $Hosts $g).Host }
        $after | Should -Be $before -Because 'nothing moves before a run is known to be possible'
        (Get-MigrationHost | Where-Object State -EQ 'Maintenance') | Should -BeNullOrEmpty
    }

    It 'each host is drained, restarted for real by the script, checked and put back: nothing lost, rules held' {
        $witness = Start-Witness
        try {
            $output = @(Invoke-RollingMaintenance -HostName $Hosts -RulePath $Rules -HostOrder Auto -Failback None -HostReturnTimeoutSec 60 -Force -ScriptBlock {
                param($MigrationHost)
                Restart-MigrationLabHost -HostName $MigrationHost.Name -DownSec 2 -Confirm:$false
            })
        }
        finally { $lost = Stop-Witness $witness }

        $lost | Should -BeNullOrEmpty -Because 'no VM may be running nowhere at any moment'
        $results = @($output | Where-Object { $_ -is [VmMigration.HostMaintenanceResult] })
        $results.Count | Should -Be 4
        $results.Status | Sort-Object -Unique | Should -Be 'Succeeded' -Because (Format-Hosts $output)
        $summary = $output[-1]
        $summary | Should -BeOfType [VmMigration.RollingMaintenanceSummary]
        Assert-ClusterWhole
        (Get-MigrationHost | Where-Object State -NE 'Connected') | Should -BeNullOrEmpty -Because 'every host left maintenance and answers'
    }

    It 'a script that fails on the second host with -MaxFailedHosts 0 stops the run there; that host stays in maintenance' {
        $output = @(Invoke-RollingMaintenance -HostName lab1, lab2, lab3 -RulePath $Rules -MaxFailedHosts 0 -Force -ErrorAction SilentlyContinue -ScriptBlock {
            param($MigrationHost)
            if ($MigrationHost.Name -eq 'lab2') { throw 'firmware update failed' }
        })
        $results = @($output | Where-Object { $_ -is [VmMigration.HostMaintenanceResult] })
        ($results | Where-Object HostName -EQ lab1).Status | Should -Be 'Succeeded' -Because (Format-Hosts $output)
        $lab2 = $results | Where-Object HostName -EQ lab2
        $lab2.Status | Should -Be 'Failed'
        $lab2.ErrorId | Should -Be 'MaintenanceScriptFailed'
        $lab2.Message | Should -Match 'firmware update failed'
        ($results | Where-Object HostName -EQ lab3).Status | Should -Be 'NotStarted'
        (Get-MigrationHost -Name lab2).State | Should -Be 'Maintenance'
        @(Get-MigrationVM -HostName lab2 | Where-Object State -EQ 'Running') | Should -BeNullOrEmpty -Because 'its VMs stay where they were moved'
        Assert-ClusterWhole
        Reset-Cluster
    }

    It 'a host that does not come back in time fails with its reason, and the run goes on as -MaxFailedHosts allows' {
        $output = @(Invoke-RollingMaintenance -HostName lab3, lab4 -RulePath $Rules -MaxFailedHosts 1 -HostReturnTimeoutSec 5 -Force -ErrorAction SilentlyContinue -ScriptBlock {
            param($MigrationHost)
            Restart-MigrationLabHost -HostName $MigrationHost.Name -DownSec ($MigrationHost.Name -eq 'lab3' ? 40 : 1) -Confirm:$false
        })
        $results = @($output | Where-Object { $_ -is [VmMigration.HostMaintenanceResult] })
        $lab3 = $results | Where-Object HostName -EQ lab3
        $lab3.Status | Should -Be 'Failed' -Because (Format-Hosts $output)
        $lab3.ErrorId | Should -Be 'HostDidNotReturn'
        $lab3.Message | Should -Match 'lab3'
        ($results | Where-Object HostName -EQ lab4).Status | Should -Be 'Succeeded' -Because (Format-Hosts $output)
        Reset-Cluster
        Assert-ClusterWhole
    }

    It 'the runner SIGKILLed while <_>, then -Resume completes every host: no VM lost, each on one host, memory intact' -ForEach @('Draining', 'Script', 'WaitingForHost', 'Failback') {
        $phase = $_
        $journal = Join-Path $TestDrive "rolling-$phase.json"
        $script = @"
Import-Module '$env:VMMIGRATION_MODULE'
`$env:VMMIGRATION_STATE_DIR = '$env:VMMIGRATION_STATE_DIR'
Start-MigrationLab -HostCount 4 -Path '$LabPath' -WarningAction SilentlyContinue | Out-Null
Invoke-RollingMaintenance -HostName lab1, lab2 -RulePath '$Rules' -JournalPath '$journal' -Failback Original -BandwidthMBps 4 -HostReturnTimeoutSec 120 -Force -ScriptBlock {
    param(`$MigrationHost)
    Start-Sleep -Seconds 3
    Restart-MigrationLabHost -HostName `$MigrationHost.Name -DownSec 6 -Confirm:`$false
} | Out-Null
"@
        $scriptPath = Join-Path $TestDrive "rolling-$phase.ps1"
        Set-Content $scriptPath $script
        $pwsh = Get-ChildPwshCommand -ScriptPath $scriptPath
        $witness = Start-Witness
        try {
            $runner = Start-Process -FilePath $pwsh.FilePath -ArgumentList $pwsh.ArgumentList -PassThru `
                -RedirectStandardOutput (Join-Path $TestDrive "rolling-$phase.out") -RedirectStandardError (Join-Path $TestDrive "rolling-$phase.err")
            $deadline = [DateTime]::UtcNow.AddSeconds(180)
            while ([DateTime]::UtcNow -lt $deadline -and -not ((Test-Path $journal) -and (Get-Content $journal -Raw) -match "`"Phase`": `"$phase`"")) { Start-Sleep -Milliseconds 100 }
            (Get-Content $journal -Raw) | Should -Match "`"Phase`": `"$phase`"" -Because (Get-Content (Join-Path $TestDrive "rolling-$phase.err") -Raw)
            & kill -9 $runner.Id
            $runner.WaitForExit()
            # A host the dead runner restarted comes back on its own, as a rebooting machine does: the lab starts it.
            Start-MigrationLab -HostCount 4 -Path $LabPath -WarningAction SilentlyContinue | Out-Null

            $output = @(Invoke-RollingMaintenance -HostName lab1, lab2 -RulePath $Rules -JournalPath $journal -Resume -Failback Original -HostReturnTimeoutSec 120 -Force -ScriptBlock {
                param($MigrationHost)
                Restart-MigrationLabHost -HostName $MigrationHost.Name -DownSec 1 -Confirm:$false
            })
        }
        finally { $lost = Stop-Witness $witness }

        $lost | Should -BeNullOrEmpty -Because 'no VM may be running nowhere at any moment'
        $results = @($output | Where-Object { $_ -is [VmMigration.HostMaintenanceResult] })
        $results.Status | Sort-Object -Unique | Should -Be 'Succeeded' -Because (Format-Hosts $output)
        Assert-ClusterWhole
        (Get-MigrationHost | Where-Object State -NE 'Connected') | Should -BeNullOrEmpty
    }
}
