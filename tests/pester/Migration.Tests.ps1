#requires -Modules Pester
# Live migration on a real 2-host lab: the guest moves lab1 -> lab2 -> lab1, and virsh (not the module) witnesses
# where it runs and that its memory pattern kept advancing.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ChildProcess.psm1') -Force
    $script:LabPath = Get-TestLabPath migration
    Start-MigrationLab -HostCount 2 -Path $LabPath | Out-Null
    New-MigrationLabVM -HostName lab1 -Name mover -MemoryMB 128 -WorkingSetMB 32 -DirtyRateMBps 2 | Out-Null
    New-MigrationLabVM -HostName lab1 -Name sleeper -MemoryMB 64 -WorkingSetMB 8 | Out-Null
    # A defined but shut-off guest: live migration must refuse it.
    New-MigrationLabVM -HostName lab2 -Name stopped -MemoryMB 64 -WorkingSetMB 8 | Out-Null
    & virsh -c (Get-VirshUri $LabPath 'lab2') destroy stopped | Out-Null
    Start-Sleep -Seconds 2
}

AfterAll {
    Stop-TestLab -Path $script:LabPath
}

Describe 'Move-VMLive on the lab' -Tag Lab {
    It 'moves a running guest to <To><Case> and virsh sees it only there, with its memory intact and advancing' -ForEach @(
        @{ From = 'lab1'; To = 'lab2'; Case = ''; Options = @{} }
        @{ From = 'lab2'; To = 'lab1'; Case = ''; Options = @{} }
        # Multifd: libvirt's parallel migration streams, which QEMU negotiates on both hosts.
        @{ From = 'lab1'; To = 'lab2'; Case = ' over 2 parallel connections'; Options = @{ ParallelConnections = 2 } }
    ) {
        $before = Get-VirshGuestCounters $LabPath $From 'mover'

        $result = Move-VMLive -VM mover -Destination $To -Confirm:$false @Options

        $result | Should -BeOfType ([VmMigration.MigrationResult])
        $result.Status | Should -Be 'Succeeded'
        $result.Source | Should -Be $From
        $result.Destination | Should -Be $To
        $result.RunningOn | Should -Be $To
        $result.DurationMs | Should -BeGreaterThan 0
        $result.TransferredBytes | Should -BeGreaterThan 0
        Get-VirshDomainState $LabPath $To 'mover' | Should -Be 'running'
        Get-VirshDomainState $LabPath $From 'mover' | Should -BeNullOrEmpty -Because 'the source must no longer define the VM'
        (& virsh -c (Get-VirshUri $LabPath $To) dominfo mover | Select-String 'Persistent:\s+yes') | Should -Not -BeNullOrEmpty

        Start-Sleep -Milliseconds 500
        $after = Get-VirshGuestCounters $LabPath $To 'mover'
        $after.Heartbeat | Should -BeGreaterThan $before.Heartbeat -Because 'the guest keeps running through the move'
        $after.Pass | Should -BeGreaterOrEqual $before.Pass

        $check = Test-MigrationLabVM -VM mover
        $check.Intact | Should -BeTrue -Because $check.Message
        $check.Advancing | Should -BeTrue -Because $check.Message
    }

    Context 'a guest that dirties memory 1.5x faster than the bandwidth cap' {
        BeforeAll {
            # 24 MiB/s of page rewrites against a 16 MiB/s cap: plain pre-copy can never catch up.
            New-MigrationLabVM -HostName lab1 -Name hot -MemoryMB 160 -WorkingSetMB 96 -DirtyRateMBps 24 | Out-Null
            Start-Sleep -Seconds 3
        }
        AfterAll {
            foreach ($h in 'lab1', 'lab2') { & virsh -c (Get-VirshUri $LabPath $h) destroy hot 2>&1 | Out-Null; & virsh -c (Get-VirshUri $LabPath $h) undefine hot 2>&1 | Out-Null }
        }

        It 'plain pre-copy (-Compression None) gives up at -TimeoutSec with MigrationNotConverging and the VM keeps running on its source' {
            $before = Get-VirshGuestCounters $LabPath 'lab1' 'hot'
            $result = Move-VMLive -VM hot -Destination lab2 -Strategy PreCopy -Compression None -BandwidthMBps 16 -TimeoutSec 12 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure

            $result.Status | Should -Be 'Aborted' -Because $result.Message
            $result.ErrorId | Should -Be 'MigrationNotConverging'
            $failure[0].FullyQualifiedErrorId | Should -Be 'MigrationNotConverging,VmMigration.Commands.MoveVMLiveCommand'
            $result.RunningOn | Should -Be 'lab1'
            Get-VirshDomainState $LabPath 'lab1' 'hot' | Should -Be 'running'
            Get-VirshDomainState $LabPath 'lab2' 'hot' | Should -BeNullOrEmpty -Because 'the incoming copy must be gone'
            (Get-VirshGuestCounters $LabPath 'lab1' 'hot').Pass | Should -BeGreaterThan $before.Pass -Because 'the guest kept rewriting its pages throughout'
        }

        It 'Auto moves it by sending re-dirtied pages as deltas, within -MaxDowntimeMs, with its memory intact' {
            $result = Move-VMLive -VM hot -Destination lab2 -BandwidthMBps 16 -MaxDowntimeMs 1000 -TimeoutSec 120 -Confirm:$false

            $result.Status | Should -Be 'Succeeded' -Because $result.Message
            $result.Escalations.Action | Should -Contain 'DeltaCompression'
            $result.DirtyRateMBps | Should -BeGreaterThan 8
            $result.DowntimeMs | Should -BeLessOrEqual 1000
            # libvirt's own record of the finished job shows the XBZRLE page cache was in use.
            (& virsh -c (Get-VirshUri $LabPath 'lab2') domjobinfo hot --completed) -join "`n" | Should -Match 'Compression cache:'
            Get-VirshDomainState $LabPath 'lab2' 'hot' | Should -Be 'running'
            Get-VirshDomainState $LabPath 'lab1' 'hot' | Should -BeNullOrEmpty
            $check = Test-MigrationLabVM -VM hot
            $check.Intact | Should -BeTrue -Because $check.Message
            $check.Advancing | Should -BeTrue -Because $check.Message
        }
    }

    It '-Compression Zstd: moves compressed where libvirt can (9.4 and later), else refused up front with CompressionUnsupported' {
        $libvirt = [version](& virsh -c (Get-VirshUri $LabPath 'lab2') version --daemon | Select-String 'Running against daemon: ([\d.]+)').Matches[0].Groups[1].Value
        $result = Move-VMLive -VM mover -Destination lab1 -ParallelConnections 2 -Compression Zstd -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        if ($libvirt -ge [version]'9.4.0') {
            $result.Status | Should -Be 'Succeeded' -Because $result.Message
            $result.RunningOn | Should -Be 'lab1'
            Move-VMLive -VM mover -Destination lab2 -Confirm:$false | ForEach-Object Status | Should -Be 'Succeeded'
        }
        else {
            $result.Status | Should -Be 'Failed'
            $result.Phase | Should -Be 'Prepare'
            $failure[0].FullyQualifiedErrorId | Should -Be 'CompressionUnsupported,VmMigration.Commands.MoveVMLiveCommand'
            $result.Message | Should -Match "libvirt $([regex]::Escape("$libvirt"))"
        }
        Get-VirshDomainState $LabPath 'lab2' 'mover' | Should -Be 'running'
        Get-VirshDomainState $LabPath 'lab1' 'mover' | Should -BeNullOrEmpty
    }

    It 'takes VMs from Get-MigrationVM through the pipeline' {
        $results = @(Get-MigrationVM -HostName lab1 -Name sleeper | Move-VMLive -Destination lab2 -Confirm:$false)
        $results.Count | Should -Be 1
        $results[0].Status | Should -Be 'Succeeded'
        Get-VirshDomainState $LabPath 'lab2' 'sleeper' | Should -Be 'running'
        Get-VirshDomainState $LabPath 'lab1' 'sleeper' | Should -BeNullOrEmpty
    }

    It '-WhatIf moves nothing' {
        Move-VMLive -VM sleeper -Destination lab1 -WhatIf
        Get-VirshDomainState $LabPath 'lab2' 'sleeper' | Should -Be 'running'
        Get-VirshDomainState $LabPath 'lab1' 'sleeper' | Should -BeNullOrEmpty
    }

    It 'a runbook in another process, connected to the lab hosts by URI alone, moves a guest as this process does' {
        # The child knows nothing of the lab: no Start-MigrationLab, no migration address, only the hosts' URIs.
        $child = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:VMMIGRATION_MODULE'
Connect-MigrationHost -Uri '$(Get-VirshUri $LabPath lab1)', '$(Get-VirshUri $LabPath lab2)' | Out-Null
`$result = Move-VMLive -VM sleeper -Destination lab1 -TimeoutSec 90 -Confirm:`$false -ErrorAction Continue
"RESULT `$(`$result.Status) `$(`$result.Source)->`$(`$result.Destination): `$(`$result.Message)"
"@
        $child.Output | Should -Match 'RESULT Succeeded lab2->lab1' -Because $child.Output
        $child.ExitCode | Should -Be 0 -Because $child.Output
        Get-VirshDomainState $LabPath 'lab1' 'sleeper' | Should -Be 'running'
        Get-VirshDomainState $LabPath 'lab2' 'sleeper' | Should -BeNullOrEmpty -Because 'the source must no longer define the VM'
        (Test-MigrationLabVM -VM sleeper).Intact | Should -BeTrue
    }
}

Describe 'Bad input changes nothing and has a stable error id' -Tag Lab {
    BeforeEach {
        $script:where = Get-MigrationVM | Sort-Object Name | ForEach-Object { "$($_.Name)@$($_.HostName):$($_.State)" }
    }
    AfterEach {
        (Get-MigrationVM | Sort-Object Name | ForEach-Object { "$($_.Name)@$($_.HostName):$($_.State)" }) | Should -Be $script:where
    }

    It 'an unknown VM: VmNotFound' {
        { Move-VMLive -VM no-such-vm -Destination lab2 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmNotFound,VmMigration.Commands.MoveVMLiveCommand'
    }

    It 'an unknown host: HostNotFound' {
        { Move-VMLive -VM mover -Destination no-such-host -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostNotFound,VmMigration.Commands.MoveVMLiveCommand'
    }

    It 'the destination is the source: DestinationIsSource' {
        $vm = Get-MigrationVM -Name mover
        { Move-VMLive -VM mover -Destination $vm.HostName -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DestinationIsSource,VmMigration.Commands.MoveVMLiveCommand'
    }

    It 'a shut-off VM: VmNotRunning, and the result says why' {
        $result = Move-VMLive -VM stopped -Destination lab1 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        $result.Status | Should -Be 'Failed'
        $result.Phase | Should -Be 'Prepare'
        $result.ErrorId | Should -Be 'VmNotRunning'
        $result.Message | Should -Match 'shut ?off|ShutOff'
        $failures[0].FullyQualifiedErrorId | Should -Be 'VmNotRunning,VmMigration.Commands.MoveVMLiveCommand'
        Get-VirshDomainState $LabPath 'lab2' 'stopped' | Should -Be 'shut off'
        Get-VirshDomainState $LabPath 'lab1' 'stopped' | Should -BeNullOrEmpty
    }

    It 'Stop-MigrationLab where there is no lab: a non-terminating LabNotRunning, and nothing is created' {
        $nowhere = Get-TestLabPath migration -Suffix nolab
        Stop-MigrationLab -Path $nowhere -Force -ErrorAction SilentlyContinue -ErrorVariable stopErrors
        $stopErrors[0].FullyQualifiedErrorId | Should -Be 'LabNotRunning,VmMigration.Commands.StopMigrationLabCommand'
        $stopErrors[0].Exception.Message | Should -Match ([regex]::Escape($nowhere))
        Test-Path $nowhere | Should -BeFalse
    }

    It 'Start-MigrationLab while another session starts or stops that lab: LabStartFailed, and nothing is started' {
        $busy = Get-TestLabPath migration -Suffix busy
        New-Item -ItemType Directory $busy -Force | Out-Null
        # The other session holds the lab's lock (an exclusive flock, as Start and Stop take it).
        $lock = [IO.File]::Open("$busy/lab.lock", 'OpenOrCreate', 'ReadWrite', 'None')
        try {
            { Start-MigrationLab -Path $busy -HostCount 1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'LabStartFailed,VmMigration.Commands.StartMigrationLabCommand'
            Get-ChildItem $busy -Directory | Should -BeNullOrEmpty -Because 'no host of it was started'
        }
        finally {
            $lock.Dispose()
            Remove-Item $busy -Recurse -Force -ErrorAction Ignore
        }
    }

    It 'an unreachable URI answers within the timeout: <Case>' -ForEach @(
        @{ Case = 'missing socket'; Uri = 'qemu+unix:///system?socket=/nonexistent/libvirt-sock'; Id = 'HostUnreachable' }
        @{ Case = 'silent listener'; Uri = 'SILENT'; Id = 'HostConnectTimeout' }
    ) {
        $listener = $null
        if ($Uri -eq 'SILENT') {
            # Accepts TCP connections and never answers: the case that hangs a tool without a connect timeout.
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start()
            $Uri = "qemu+tcp://127.0.0.1:$($listener.LocalEndpoint.Port)/system"
        }
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            { Connect-MigrationHost -Uri $Uri -Name ghost -TimeoutSec 3 -ErrorAction Stop } |
                Should -Throw -ErrorId "$Id,VmMigration.Commands.ConnectMigrationHostCommand"
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
            (Get-MigrationHost).Name | Should -Not -Contain 'ghost'
        }
        finally {
            if ($listener) { $listener.Stop() }
        }
    }
}
