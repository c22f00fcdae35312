#requires -Modules Pester
# Move-VMLive -DestinationStoragePool on a real 2-host lab: a running guest's disk moves to another pool while it is being
# written. virsh, qemu-io and the guest's own memory counters (not the module) witness where the disk is, what it holds,
# that the guest never stopped and that nothing is left behind.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabPath = Get-TestLabPath storage
    # A pool too small for the disk's data: a 4 MiB tmpfs, mounted before the lab starts (each lab host's libvirtd lives in
    # a mount namespace that copies the mounts present when it starts).
    $script:TinyPath = Get-TestLabPath storage -Suffix tiny
    Mount-TestTmpfs -Path $TinyPath -SizeMB 4
    Start-MigrationLab -HostCount 2 -Path $LabPath | Out-Null
    foreach ($hostName in 'lab1', 'lab2') {
        New-Item -ItemType Directory "$LabPath/$hostName/fast" -Force | Out-Null
        Invoke-Virsh $LabPath $hostName @('pool-create-as', 'fast', 'dir', '--target', "$LabPath/$hostName/fast") | Out-Null
    }
    Invoke-Virsh $LabPath lab1 @('pool-create-as', 'tiny', 'dir', '--target', $TinyPath) | Out-Null

    # 128 MiB disks: the first 64 MiB hold the lab pattern (MiB i = byte i % 255 + 1), the rest is never written by the lab.
    $script:DiskMB = 128
    $script:DataMB = 64
    function New-DiskGuest([string] $Name) {
        New-MigrationLabVM -HostName lab1 -Name $Name -MemoryMB 48 -WorkingSetMB 8 -DiskSizeMB $DiskMB -Confirm:$false | Out-Null
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-VirshGuestCounters $LabPath lab1 $Name).Heartbeat -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 300 }
    }
    function Get-LabPattern { 0..($DataMB - 1) | ForEach-Object { @{ MB = $_; Byte = $_ % 255 + 1 } } }
    function Get-WriterPattern([int] $StartMB, [int[]] $Written) { $Written | ForEach-Object { @{ MB = $StartMB + $_; Byte = 0x40 + $_ % 64 } } }

    function Assert-OnOriginalDisk([string] $Name) {
        (Get-VirshDiskPaths $LabPath lab1 $Name)['vda'] | Should -Be "$LabPath/lab1/pool/$Name.qcow2"
        Get-VirshDomainState $LabPath lab1 $Name | Should -Be 'running'
        (Invoke-Virsh $LabPath lab1 @('blockjob', $Name, 'vda', '--info')).Output | Should -Match 'No current block job'
        Get-VirshPoolVolumes $LabPath lab1 fast | Should -Not -Contain "$Name.qcow2" -Because 'a partial copy must be removed'
        Test-DiskPattern "$LabPath/lab1/pool/$Name.qcow2" qcow2 (Get-LabPattern) | Should -BeNullOrEmpty
    }
}

AfterAll {
    Stop-TestLab -Path $script:LabPath -Mount $script:TinyPath
}

Describe 'Live storage migration on the lab' -Tag Lab {
    It 'moves a running guest''s disk into another pool while it is written: content, switch, old volume gone' {
        New-DiskGuest 'st1'
        $before = Get-VirshGuestCounters $LabPath lab1 st1
        # Writes land at MiB 80.. while the copy runs (capped so that it lasts a few seconds).
        $writer = Start-GuestDiskWriter $LabPath lab1 st1 -StartMB 80 -CountMB 40 -IntervalMs 150
        Start-Sleep -Milliseconds 600
        $result = Move-VMLive -VM st1 -DestinationStoragePool fast -BandwidthMBps 16 -Confirm:$false
        $written = Stop-GuestDiskWriter $writer

        $result.Status | Should -Be 'Succeeded' -Because $result.Message
        $result.Phase | Should -Be 'Completed'
        $result.RunningOn | Should -Be 'lab1'
        $result.Disks.Count | Should -Be 1
        $result.Disks[0].OldPath | Should -Be "$LabPath/lab1/pool/st1.qcow2"
        $result.Disks[0].NewPath | Should -Be "$LabPath/lab1/fast/st1.qcow2"
        $result.SwitchPauseMs | Should -BeGreaterOrEqual 0
        Write-Host "    moved in $($result.DurationMs) ms, switch pause $($result.SwitchPauseMs) ms, $($written.Count) MiB written by the guest's disk path meanwhile"
        $written.Count | Should -BeGreaterThan 3 -Because 'the disk must be written while it is copied'

        (Get-VirshDiskPaths $LabPath lab1 st1)['vda'] | Should -Be "$LabPath/lab1/fast/st1.qcow2"
        (Invoke-Virsh $LabPath lab1 @('dumpxml', '--inactive', 'st1')).Output | Should -Match ([regex]::Escape("$LabPath/lab1/fast/st1.qcow2"))
        Get-VirshPoolVolumes $LabPath lab1 lab | Should -Not -Contain 'st1.qcow2'
        Test-Path "$LabPath/lab1/pool/st1.qcow2" | Should -BeFalse
        $expected = @(Get-LabPattern) + @(Get-WriterPattern 80 $written)
        Test-DiskPattern "$LabPath/lab1/fast/st1.qcow2" qcow2 $expected | Should -BeNullOrEmpty
        # The guest never stopped: its memory pattern is intact and its counters kept advancing.
        $after = Get-VirshGuestCounters $LabPath lab1 st1
        $after.Heartbeat | Should -BeGreaterThan $before.Heartbeat
        $check = Test-MigrationLabVM -VM st1
        $check.Intact | Should -BeTrue -Because $check.Message
        $check.Advancing | Should -BeTrue -Because $check.Message
    }

    It 'reports progress per disk with bytes, rate and the guest''s write rate' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:VMMIGRATION_MODULE'; Move-VMLive -VM st1 -DestinationStoragePool lab -BandwidthMBps 16 -Confirm:`$false")
        $result = $ps.Invoke()
        $result[0].Status | Should -Be 'Succeeded' -Because $result[0].Message
        $disk = @($ps.Streams.Progress | Where-Object Activity -eq 'Copying disk vda of st1')
        $disk.Count | Should -BeGreaterThan 1
        $disk[0].StatusDescription | Should -Match 'MiB copied, [\d.]+ MiB left at [\d.]+ MiB/s, guest writing [\d.]+ MiB/s'
        $disk[-1].RecordType | Should -Be 'Completed'
        $ps.Dispose()
        (Get-VirshDiskPaths $LabPath lab1 st1)['vda'] | Should -Be "$LabPath/lab1/pool/st1.qcow2"
    }

    It 'converts the format on the way with -DiskFormat raw' {
        $result = Move-VMLive -VM st1 -DestinationStoragePool fast -DiskFormat raw -Confirm:$false
        $result.Status | Should -Be 'Succeeded' -Because $result.Message
        $result.Disks[0].NewPath | Should -Be "$LabPath/lab1/fast/st1.raw"
        (& qemu-img info -U --output=json "$LabPath/lab1/fast/st1.raw" | ConvertFrom-Json).format | Should -Be 'raw'
        Test-DiskPattern "$LabPath/lab1/fast/st1.raw" raw (Get-LabPattern) | Should -BeNullOrEmpty
        Get-VirshDomainState $LabPath lab1 st1 | Should -Be 'running'
    }

    It 'moves host and disks together with -Destination: the disk lands in the named pool there' {
        $result = Move-VMLive -VM st1 -Destination lab2 -DestinationStoragePool fast -Confirm:$false
        $result.Status | Should -Be 'Succeeded' -Because $result.Message
        $result.RunningOn | Should -Be 'lab2'
        $result.Disks[0].NewPath | Should -Be "$LabPath/lab2/fast/st1.raw"
        @(Get-VirshPlacement $LabPath @('lab1', 'lab2') st1).Host | Should -Be 'lab2'
        (Get-VirshDiskPaths $LabPath lab2 st1)['vda'] | Should -Be "$LabPath/lab2/fast/st1.raw"
        Test-Path "$LabPath/lab1/fast/st1.raw" | Should -BeFalse -Because 'the source volume goes once the VM runs from the copy'
        Test-DiskPattern "$LabPath/lab2/fast/st1.raw" raw (Get-LabPattern) | Should -BeNullOrEmpty
        $check = Test-MigrationLabVM -VM st1
        $check.Intact | Should -BeTrue -Because $check.Message
    }

    It 'a plain live migration of a VM whose disk the destination cannot see is refused, naming -CopyStorage' {
        New-DiskGuest 'st2'
        { Move-VMLive -VM st2 -Destination lab2 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DiskNotOnDestination,VmMigration.Commands.MoveVMLiveCommand'
        Get-VirshDomainState $LabPath lab1 st2 | Should -Be 'running'
        Get-VirshDomainState $LabPath lab2 st2 | Should -BeNullOrEmpty
    }

    It 'a fault before the switch leaves the VM on its original disk (<Case>)' -ForEach @(
        @{ Case = 'destination pool too small'; ErrorId = 'InsufficientStorage'; Arguments = @{ DestinationStoragePool = 'tiny' } }
        @{ Case = 'a named disk that does not exist'; ErrorId = 'DiskNotFound'; Arguments = @{ DestinationStoragePool = 'fast'; Disk = 'vdz' } }
        @{ Case = 'a pool the host does not have'; ErrorId = 'StoragePoolNotFound'; Arguments = @{ DestinationStoragePool = 'nope' } }
    ) {
        $result = Move-VMLive -VM st2 @Arguments -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        $result.Status | Should -Be 'Failed'
        $result.ErrorId | Should -Be $ErrorId
        $failure[0].FullyQualifiedErrorId | Should -Be "$ErrorId,VmMigration.Commands.MoveVMLiveCommand"
        Assert-OnOriginalDisk st2
    }

    It 'a copy cancelled mid-way (Stop-Job) leaves the VM on its original disk and removes the partial copy' {
        $job = Move-VMLive -VM st2 -DestinationStoragePool fast -BandwidthMBps 2 -Confirm:$false -AsJob
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Invoke-Virsh $LabPath lab1 @('blockjob', 'st2', 'vda', '--info')).Output -notmatch 'Block Copy' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        Start-Sleep -Seconds 1
        $job | Stop-Job
        $result = $job | Receive-Job -ErrorAction SilentlyContinue
        $result.Status | Should -Be 'Aborted'
        $result.ErrorId | Should -Be 'MigrationAborted'
        $result.Phase | Should -Be 'PreCopy'
        Assert-OnOriginalDisk st2
        $check = Test-MigrationLabVM -VM st2
        $check.Advancing | Should -BeTrue -Because $check.Message
    }

    It '-Disk without -CopyStorage or -DestinationStoragePool is refused rather than ignored' {
        { Move-VMLive -VM st2 -Destination lab2 -Disk vda -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument,VmMigration.Commands.MoveVMLiveCommand'
        Get-VirshDomainState $LabPath lab1 st2 | Should -Be 'running'
    }

    It '-WhatIf changes nothing' {
        Move-VMLive -VM st2 -DestinationStoragePool fast -WhatIf | Should -BeNullOrEmpty
        Assert-OnOriginalDisk st2
    }

    It 'the same storage move run twice under -ErrorAction Stop: the second has nothing to do, returns Skipped and does not throw' {
        $first = Move-VMLive -VM st2 -DestinationStoragePool fast -Confirm:$false -ErrorAction Stop
        $first.Status | Should -Be 'Succeeded' -Because $first.Message
        $second = Move-VMLive -VM st2 -DestinationStoragePool fast -Confirm:$false -ErrorAction Stop -ErrorVariable moveErrors
        $second.Status | Should -Be 'Skipped' -Because $second.Message
        $moveErrors | Should -BeNullOrEmpty
        $job = Move-VMLive -VM st2 -DestinationStoragePool fast -Confirm:$false -AsJob
        $job | Wait-Job -Timeout 120 | Out-Null
        $job.State | Should -Be 'Completed' -Because 'a job with nothing to do has not failed'
        ($job | Receive-Job -ErrorAction Stop).Status | Should -Be 'Skipped'
        Get-VirshDomainState $LabPath lab1 st2 | Should -Be 'running'
    }

    It 'completes storage pool names: every host''s, or the -Destination host''s' {
        function Get-Completion([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText) }

        Get-Completion 'Move-VMLive -VM st2 -DestinationStoragePool ' | Should -Be @('fast', 'lab', 'tiny')
        Get-Completion 'Move-VMLive -VM st2 -DestinationStoragePool t' | Should -Be @('tiny')
        Get-Completion 'Copy-VMClone -VM st2 -Name st2-copy -Destination lab2 -StoragePool ' | Should -Be @('fast', 'lab')
        Get-Completion 'Test-VMMigration -VM st2 -Destination lab2 -DestinationStoragePool f' | Should -Be @('fast')
    }

    It 'completes -Disk with the disks of the -VM on the command line' {
        function Get-Completion([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText) }

        Get-Completion 'Move-VMLive -VM st2 -DestinationStoragePool fast -Disk ' | Should -Be @('vda')
        Get-Completion 'Move-VMLive -VM no-such-vm -DestinationStoragePool fast -Disk ' | Should -BeNullOrEmpty
    }
}
