#requires -Modules Pester
# Maintenance mode on a real 3-host lab with six guests: drain, idempotent re-run, failback, a VM that cannot move,
# and the faults a drain must survive (the runner killed, a destination's daemon killed, the pipeline stopped).
# After every case virsh (not the module) shows each guest running on exactly one host, intact and advancing.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    $script:LabPath = "/var/lib/vmmigration/pester-evacuation-$PID"
    $script:Guests = @(
        @{ Name = 'ev1'; MemoryMB = 96; WorkingSetMB = 32; DirtyRateMBps = 4 }
        @{ Name = 'ev2'; MemoryMB = 64; WorkingSetMB = 16; DirtyRateMBps = 2 }
        @{ Name = 'ev3'; MemoryMB = 64; WorkingSetMB = 16; DirtyRateMBps = 0 }
        @{ Name = 'ev4'; MemoryMB = 96; WorkingSetMB = 24; DirtyRateMBps = 1 }
        @{ Name = 'ev5'; MemoryMB = 64; WorkingSetMB = 8; DirtyRateMBps = 0 }
        @{ Name = 'ev6'; MemoryMB = 64; WorkingSetMB = 8; DirtyRateMBps = 2 }
    )
    $env:VMMIGRATION_STATE_DIR = Join-Path $TestDrive 'state'
    Start-MigrationLab -HostCount 3 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
    foreach ($g in $Guests) { New-MigrationLabVM -HostName lab1 @g | Out-Null }
    Start-Sleep -Seconds 2

    function Get-GuestPlacement {
        foreach ($g in $Guests) {
            $where = @(Get-VirshPlacement $LabPath @('lab1', 'lab2', 'lab3') $g.Name)
            [pscustomobject]@{ Name = $g.Name; Hosts = @($where.Host); States = @($where.State) }
        }
    }

    function Assert-EveryGuestOnce([string[]] $NotOn = @()) {
        foreach ($p in Get-GuestPlacement) {
            $p.Hosts.Count | Should -Be 1 -Because "$($p.Name) must be defined on exactly one host (found on: $($p.Hosts -join ', '))"
            $p.States[0] | Should -Be 'running' -Because "$($p.Name) must keep running"
            $p.Hosts[0] | Should -Not -BeIn $NotOn
        }
        foreach ($check in Get-MigrationVM | Where-Object Name -like 'ev*' | Test-MigrationLabVM -IntervalMs 300) {
            $check.Intact | Should -BeTrue -Because "$($check.VMName): $($check.Message)"
        }
    }

    function Invoke-Failback {
        Resume-MigrationHost -HostName lab1 -Failback -Confirm:$false | Out-Null
        foreach ($g in $Guests) {
            $vm = Get-MigrationVM -Name $g.Name
            if ($vm.HostName -ne 'lab1') { Move-VMLive -VM $g.Name -Destination lab1 -Confirm:$false | Out-Null }
        }
    }
}

AfterAll {
    Get-Job -ErrorAction Ignore | Remove-Job -Force -ErrorAction Ignore
    Stop-MigrationLab -Path $script:LabPath -Force
    Remove-Item Env:VMMIGRATION_STATE_DIR -ErrorAction Ignore
}

Describe 'Invoke-HostEvacuation' {
    It 'drains the host: a result per VM, then a summary; the host is in maintenance and the planner avoids it' {
        $output = @(Invoke-HostEvacuation -HostName lab1 -MaxConcurrent 3 -Force)

        $results = @($output | Where-Object { $_ -is [VmMigration.MigrationResult] })
        $summary = $output[-1]
        $summary | Should -BeOfType ([VmMigration.EvacuationSummary])
        $results.Count | Should -Be 6
        $results.Status | Sort-Object -Unique | Should -Be @('Succeeded')
        $summary.Moved | Should -Be 6
        $summary.Failed | Should -Be 0
        Test-Path $summary.JournalPath | Should -BeTrue
        (Get-Content $summary.JournalPath -Raw) | Should -Not -Match 'password|Password'
        (Get-MigrationHost -Name lab1).State | Should -Be 'Maintenance'
        Assert-EveryGuestOnce -NotOn lab1
        (Get-MigrationPlan -Goal Balance -TargetScore 0).Steps.Destination | Should -Not -Contain 'lab1'
    }

    It 'is idempotent: running it again moves nothing and fails nothing' {
        $summary = @(Invoke-HostEvacuation -HostName lab1 -Force)[-1]
        $summary.Moved | Should -Be 0
        $summary.Failed | Should -Be 0
        Assert-EveryGuestOnce -NotOn lab1
    }

    It 'Resume-MigrationHost -Failback leaves maintenance and moves the VMs back' {
        $output = @(Resume-MigrationHost -HostName lab1 -Failback -Confirm:$false)
        $output[-1].State | Should -Be 'Connected'
        @($output | Where-Object { $_ -is [VmMigration.MigrationResult] -and $_.Status -eq 'Succeeded' }).Count | Should -Be 6
        foreach ($p in Get-GuestPlacement) { $p.Hosts | Should -Be @('lab1') }
    }

    It 'reports a VM that no host may take, with its reason, at once and without retrying' {
        $rules = Join-Path $TestDrive 'pinned.json'
        New-MigrationRule -Path $rules -Name ev5-stays -Kind MustRunOn -VM ev5 -HostName lab1 | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $output = @(Invoke-HostEvacuation -HostName lab1 -RulePath $rules -Force -WarningAction SilentlyContinue)
        $pinned = $output | Where-Object { $_ -is [VmMigration.MigrationResult] -and $_.VMName -eq 'ev5' }
        $pinned.Status | Should -Be 'Skipped'
        $pinned.ErrorId | Should -Not -BeNullOrEmpty
        $pinned.Message | Should -Match 'ev5'
        $output[-1].NotStarted | Should -Be 1
        $output[-1].Moved | Should -Be 5
        $clock.Elapsed.TotalMinutes | Should -BeLessThan 5
        Invoke-Failback
    }

    It 'the runner killed with SIGKILL mid-run, then -Resume completes (run <_>)' -ForEach (1..3) {
        $journal = Join-Path $TestDrive "killed-$_.json"
        $script = @"
Import-Module '$env:VMMIGRATION_MODULE'
`$env:VMMIGRATION_STATE_DIR = '$env:VMMIGRATION_STATE_DIR'
Start-MigrationLab -HostCount 3 -Path '$LabPath' -WarningAction SilentlyContinue | Out-Null
Invoke-HostEvacuation -HostName lab1 -JournalPath '$journal' -MaxConcurrent 1 -BandwidthMBps 16 -Force | Out-Null
"@
        $scriptPath = Join-Path $TestDrive "runner-$_.ps1"
        Set-Content $scriptPath $script
        $pwshArguments = @('-NoProfile', '-NonInteractive', '-File', $scriptPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $pwshArguments = @("$PSHOME/pwsh.dll") + $pwshArguments }
        $runner = Start-Process -FilePath ([Environment]::ProcessPath) -ArgumentList $pwshArguments -PassThru `
            -RedirectStandardOutput (Join-Path $TestDrive "runner-$_.out") -RedirectStandardError (Join-Path $TestDrive "runner-$_.err")
        # Kill it while a move is in flight (the journal says so).
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ([DateTime]::UtcNow -lt $deadline -and -not ((Test-Path $journal) -and (Get-Content $journal -Raw) -match '"InFlight"')) { Start-Sleep -Milliseconds 200 }
        (Get-Content $journal -Raw) | Should -Match '"InFlight"'
        & kill -9 $runner.Id
        $runner.WaitForExit()

        $summary = @(Invoke-HostEvacuation -HostName lab1 -JournalPath $journal -Resume -Force)[-1]
        $summary.Failed | Should -Be 0
        Assert-EveryGuestOnce -NotOn lab1
        Invoke-Failback
    }

    It 'a destination daemon killed mid-run: the rest go to the other host, none lost' {
        $job = Invoke-HostEvacuation -HostName lab1 -MaxConcurrent 1 -BandwidthMBps 16 -Force -AsJob
        $journal = Join-Path $env:VMMIGRATION_STATE_DIR 'evacuations/lab1.json'
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ([DateTime]::UtcNow -lt $deadline -and -not ((Test-Path $journal) -and (Get-Content $journal -Raw) -match '"Succeeded"')) { Start-Sleep -Milliseconds 200 }
        $victim = (Get-Content $journal -Raw | ConvertFrom-Json).Entries | Where-Object State -eq 'InFlight' | Select-Object -First 1
        $deadHost = if ($victim) { $victim.Destination } else { 'lab2' }
        $daemon = (Get-MigrationLab -Path $LabPath).Hosts | Where-Object Name -eq $deadHost
        & kill -9 $daemon.Pid

        $output = @($job | Wait-Job -Timeout 600 | Receive-Job -ErrorAction SilentlyContinue)
        $summary = $output[-1]
        $summary | Should -BeOfType ([VmMigration.EvacuationSummary])
        # The daemon comes back (a real host's libvirtd restarts) and finds the guests it was running.
        Start-MigrationLab -HostCount 3 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
        Assert-EveryGuestOnce -NotOn lab1
        @($output | Where-Object { $_ -is [VmMigration.MigrationResult] -and $_.Status -eq 'Succeeded' }).Count | Should -BeGreaterOrEqual 5
        Invoke-Failback
    }

    It 'stopped mid-run: moves in flight end cleanly, the journal is consistent, -Resume completes' {
        $journal = Join-Path $TestDrive 'stopped.json'
        $job = Invoke-HostEvacuation -HostName lab1 -JournalPath $journal -MaxConcurrent 2 -BandwidthMBps 16 -Force -AsJob
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ([DateTime]::UtcNow -lt $deadline -and -not ((Test-Path $journal) -and (Get-Content $journal -Raw) -match '"InFlight"')) { Start-Sleep -Milliseconds 200 }
        $job | Stop-Job
        $entries = (Get-Content $journal -Raw | ConvertFrom-Json).Entries
        $entries.State | Should -Not -Contain 'InFlight' -Because 'every move in flight was settled before the run ended'

        $summary = @(Invoke-HostEvacuation -HostName lab1 -JournalPath $journal -Resume -Force)[-1]
        $summary.Failed | Should -Be 0
        Assert-EveryGuestOnce -NotOn lab1
    }

    It 'moves a shut-off VM cold with -IncludeStopped, and says why it left it without' {
        New-MigrationLabVM -HostName lab1 -Name evcold -MemoryMB 64 -WorkingSetMB 8 | Out-Null
        & virsh -c (Get-VirshUri $LabPath 'lab1') destroy evcold | Out-Null
        Resume-MigrationHost -HostName lab1 -Confirm:$false -WarningAction SilentlyContinue | Out-Null

        $without = @(Invoke-HostEvacuation -HostName lab1 -Force) | Where-Object { $_ -is [VmMigration.MigrationResult] -and $_.VMName -eq 'evcold' }
        $without.Status | Should -Be 'Skipped'
        $without.ErrorId | Should -Be 'VmNotRunning'
        Get-VirshDomainState $LabPath 'lab1' 'evcold' | Should -Be 'shut off'

        $with = @(Invoke-HostEvacuation -HostName lab1 -IncludeStopped -Force) | Where-Object { $_ -is [VmMigration.MigrationResult] -and $_.VMName -eq 'evcold' }
        $with.Status | Should -Be 'Succeeded'
        $placement = @(Get-VirshPlacement $LabPath @('lab1', 'lab2', 'lab3') 'evcold')
        $placement.Count | Should -Be 1
        $placement[0].Host | Should -Not -Be 'lab1'
        $placement[0].State | Should -Be 'shut off'
    }
}
