#requires -Modules Pester
# Copy-VMClone on a real 2-host lab. virsh, qemu-img and qemu-io (not the module) witness where clones are, what their disks
# hold and that the source is untouched.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabPath = Get-TestLabPath clone
    # A deliberately small pool: a 4 MiB tmpfs, smaller than the 8 MiB a lab disk holds. Mounted before the lab starts,
    # since each lab host's libvirtd lives in a private mount namespace that copies the mounts present when it starts.
    $script:TinyPath = Get-TestLabPath clone -Suffix tiny
    Mount-TestTmpfs -Path $TinyPath -SizeMB 4
    Start-MigrationLab -HostCount 2 -Path $LabPath | Out-Null
    # 16 MiB disks: 8 MiB of pattern, 8 MiB never written.
    New-MigrationLabVM -HostName lab1 -Name base -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB 16 | Out-Null
    New-MigrationLabVM -HostName lab1 -Name tmpl -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB 16 | Out-Null
    Invoke-Virsh $LabPath lab1 @('destroy', 'tmpl') | Out-Null

    # The guest-visible content of a disk image; -U reads an image a running QEMU holds.
    function Get-DiskHash([string] $Path) {
        $raw = "/tmp/clone-witness-$PID.raw"
        & qemu-img convert -U -O raw $Path $raw
        if ($LASTEXITCODE) { throw "qemu-img could not read $Path" }
        try { (Get-FileHash -Algorithm SHA256 $raw).Hash } finally { Remove-Item $raw -ErrorAction Ignore }
    }
    function Get-PoolVolumes([string] $HostName, [string] $Pool = 'lab') { Get-VirshPoolVolumes $LabPath $HostName $Pool }
    function Get-Heartbeat([string] $HostName, [string] $VMName) { (Get-VirshGuestCounters $LabPath $HostName $VMName).Heartbeat }
    function Wait-Heartbeat([string] $HostName, [string] $VMName) {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ([DateTime]::UtcNow -lt $deadline) {
            try { if ((Get-Heartbeat $HostName $VMName) -gt 0) { return } } catch { }
            Start-Sleep -Milliseconds 300
        }
        throw "$VMName on $HostName never started its heartbeat"
    }
    $script:BaseDisk = "$LabPath/lab1/pool/base.qcow2"
    $script:TmplDisk = "$LabPath/lab1/pool/tmpl.qcow2"
    Wait-Heartbeat lab1 base
}

AfterAll {
    Stop-TestLab -Path $script:LabPath -Mount $script:TinyPath
}

Describe 'Copy-VMClone on the lab' -Tag Lab {
    It 'New-MigrationLabVM -DiskSizeMB writes a known pattern into a qcow2 volume of the host''s pool' {
        Get-PoolVolumes lab1 | Should -Contain 'base.qcow2'
        (& qemu-img info -U --output=json $BaseDisk | ConvertFrom-Json).format | Should -Be 'qcow2'
        # MiB 3 holds byte 0x04; the second half was never written and reads as zeros.
        (& qemu-io -r -U -f qcow2 -c 'read -P 0x04 3M 1M' -c 'read -P 0x00 8M 8M' $BaseDisk) -join "`n" | Should -Not -Match 'verification failed'
    }

    It 'a full clone of a running VM boots, has the source''s disk content and a new identity; the source keeps running untouched' {
        $sourceHash = Get-DiskHash $BaseDisk
        $sourceUuid = (Invoke-Virsh $LabPath lab1 @('domuuid', 'base')).Output
        $heartbeatBefore = Get-Heartbeat lab1 base

        $clone = Copy-VMClone -VM base -Name base-full -Start -Confirm:$false

        $clone | Should -BeOfType ([VmMigration.MigrationVM])
        $clone.HostName | Should -Be 'lab1'
        $clone.IsLinkedClone | Should -BeFalse
        $clone.SourcePausedMs | Should -BeGreaterOrEqual 0 -Because 'the switch of a running source onto temporary overlays is measured and reported'
        (Invoke-Virsh $LabPath lab1 @('domblklist', 'base')).Output | Should -Match ([regex]::Escape($BaseDisk)) -Because 'the overlays were merged back'
        Get-ChildItem "$LabPath/lab1/pool" -Filter '*vmmigration-freeze*' | Should -BeNullOrEmpty
        (Invoke-Virsh $LabPath lab1 @('dumpxml', '--inactive', 'base')).Output | Should -Match ([regex]::Escape($BaseDisk))
        $clone.Uuid | Should -Not -Be $sourceUuid
        Get-VirshDomainState $LabPath lab1 'base-full' | Should -Be 'running'
        Wait-Heartbeat lab1 'base-full'
        (Invoke-Virsh $LabPath lab1 @('domuuid', 'base-full')).Output | Should -Be $clone.Uuid
        $clone.DiskPaths | Should -Be @("$LabPath/lab1/pool/base-full-vda.qcow2")
        Get-DiskHash $clone.DiskPaths[0] | Should -Be $sourceHash
        Get-DiskHash $BaseDisk | Should -Be $sourceHash -Because 'the source disk is only read'
        Get-VirshDomainState $LabPath lab1 'base' | Should -Be 'running'
        Start-Sleep -Milliseconds 500
        Get-Heartbeat lab1 base | Should -BeGreaterThan $heartbeatBefore -Because 'the source resumed after its pause'
        (Invoke-Virsh $LabPath lab1 @('dumpxml', 'base-full')).Output | Should -Match 'base-full\.serial\.log'
    }

    It 'a clone to another host lands in that host''s pool and boots there' {
        $sourceHash = Get-DiskHash $BaseDisk

        $clone = Copy-VMClone -VM base -Name base-remote -Destination lab2 -Start -Confirm:$false

        $clone.HostName | Should -Be 'lab2'
        $clone.StoragePool | Should -Be 'lab'
        Get-PoolVolumes lab2 | Should -Contain 'base-remote-vda.qcow2'
        Get-DiskHash "$LabPath/lab2/pool/base-remote-vda.qcow2" | Should -Be $sourceHash
        Get-VirshDomainState $LabPath lab2 'base-remote' | Should -Be 'running'
        Get-VirshDomainState $LabPath lab1 'base-remote' | Should -BeNullOrEmpty
        Wait-Heartbeat lab2 'base-remote'
        $clone.CopiedBytes | Should -BeLessThan (12MB) -Because 'the 8 MiB never written travel as a hole, not as zeros'
    }

    It 'no two VMs of the lab share a UUID or a MAC address' {
        $uuids = foreach ($h in 'lab1', 'lab2') {
            (Invoke-Virsh $LabPath $h @('list', '--all', '--uuid')).Output -split "`n" | Where-Object { $_.Trim() }
        }
        ($uuids | Sort-Object -Unique).Count | Should -Be $uuids.Count
    }

    It 'a full clone of a shut-off VM has its content and leaves it shut off' {
        $sourceHash = Get-DiskHash $TmplDisk

        $clone = Copy-VMClone -VM tmpl -Name tmpl-full -Confirm:$false

        $clone.SourcePausedMs | Should -BeNullOrEmpty
        $clone.State | Should -Be 'ShutOff'
        Get-DiskHash $clone.DiskPaths[0] | Should -Be $sourceHash
        Get-VirshDomainState $LabPath lab1 'tmpl' | Should -Be 'shut off'
    }

    It 'a linked clone reads through to its parent, and its writes never reach the parent' {
        $parentHash = Get-DiskHash $TmplDisk

        $clone = Copy-VMClone -VM tmpl -Name tmpl-link -Linked -Confirm:$false

        $clone.IsLinkedClone | Should -BeTrue
        $clone.ParentName | Should -Be 'tmpl'
        $overlay = $clone.DiskPaths[0]
        (& qemu-img info -U --output=json $overlay | ConvertFrom-Json).'backing-filename' | Should -Be $TmplDisk
        Get-DiskHash $overlay | Should -Be $parentHash
        & qemu-io -f qcow2 -c 'write -q -P 0xee 0 2M' $overlay
        $LASTEXITCODE | Should -Be 0
        Get-DiskHash $overlay | Should -Not -Be $parentHash
        Get-DiskHash $TmplDisk | Should -Be $parentHash -Because 'writes land in the overlay only'
        Invoke-Virsh $LabPath lab1 @('start', 'tmpl-link') | ForEach-Object ExitCode | Should -Be 0
        Wait-Heartbeat lab1 'tmpl-link'
        $listed = Get-MigrationVM -HostName lab1 -Name tmpl-link
        $listed.IsLinkedClone | Should -BeTrue
        $listed.ParentName | Should -Be 'tmpl'
    }

    It 'the parent of a linked clone is read-only and cannot be moved away' {
        (Invoke-Virsh $LabPath lab1 @('dumpxml', '--inactive', 'tmpl')).Output | Should -Match '<readonly/>'
        Invoke-Virsh $LabPath lab1 @('start', 'tmpl') | ForEach-Object ExitCode | Should -Be 0
        { Move-VMLive -VM tmpl -Destination lab2 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParentProtected,VmMigration.Commands.MoveVMLiveCommand'
        Get-VirshDomainState $LabPath lab1 'tmpl' | Should -Be 'running'
        # QEMU itself opened the parent's disk read-only: the guest's writes are refused below it.
        $qemu = Get-LabQemuPid $LabPath lab1 tmpl
        (Get-Content "/proc/$qemu/cmdline" -Raw) -replace "`0", ' ' | Should -Match '"node-name":"libvirt-1-format","read-only":true'
        Invoke-Virsh $LabPath lab1 @('destroy', 'tmpl') | Out-Null
    }

    It 'a linked clone of a running VM: the parent runs on, on a new overlay; its frozen disk is the base of both; each boots from its own overlay' {
        New-MigrationLabVM -HostName lab1 -Name lparent -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB 16 | Out-Null
        Wait-Heartbeat lab1 lparent
        $baseDisk = "$LabPath/lab1/pool/lparent.qcow2"
        $parentOverlay = "$LabPath/lab1/pool/lparent.after-lchild.qcow2"
        $qemuBefore = Get-LabQemuPid $LabPath lab1 lparent
        $atCloneMoment = Get-DiskHash $baseDisk

        $clone = Copy-VMClone -VM lparent -Name lchild -Linked -Start -Confirm:$false

        $clone.IsLinkedClone | Should -BeTrue
        $clone.ParentName | Should -Be 'lparent'
        $clone.ParentOverlayPaths | Should -Be @($parentOverlay)
        $clone.SourcePausedMs | Should -BeGreaterOrEqual 0 -Because 'the switch of the parent onto its overlay is measured'
        $clone.SourcePausedMs | Should -BeLessThan 10000
        # The parent never stopped: the same QEMU, its heartbeat going on, now writing to its overlay (live and persistent).
        Get-LabQemuPid $LabPath lab1 lparent | Should -Be $qemuBefore
        $heartbeat = Get-Heartbeat lab1 lparent
        Start-Sleep -Milliseconds 500
        Get-Heartbeat lab1 lparent | Should -BeGreaterThan $heartbeat
        (Get-VirshDiskPaths $LabPath lab1 lparent)['vda'] | Should -Be $parentOverlay
        (Invoke-Virsh $LabPath lab1 @('dumpxml', '--inactive', 'lparent')).Output | Should -Match ([regex]::Escape($parentOverlay))
        (Invoke-Virsh $LabPath lab1 @('dumpxml', '--inactive', 'lparent')).Output | Should -Not -Match '<readonly/>' -Because 'the parent keeps writing, to its overlay'
        Get-PoolVolumes lab1 | Should -Contain 'lparent.after-lchild.qcow2'
        (& qemu-img info -U --output=json $parentOverlay | ConvertFrom-Json).'backing-filename' | Should -Be $baseDisk
        # The clone reads the frozen base, as it was at the clone moment, and runs.
        $childDisk = $clone.DiskPaths[0]
        (& qemu-img info -U --output=json $childDisk | ConvertFrom-Json).'backing-filename' | Should -Be $baseDisk
        Get-DiskHash $childDisk | Should -Be $atCloneMoment
        Wait-Heartbeat lab1 lchild

        # The parent's writes land in its overlay: never in the base, never in the clone.
        $writer = Start-GuestDiskWriter $LabPath lab1 lparent -StartMB 10 -CountMB 3 -IntervalMs 100
        $writer.Process.WaitForExit(60000) | Out-Null
        $written = @(Stop-GuestDiskWriter $writer)
        $written.Count | Should -Be 3
        Test-DiskPattern $parentOverlay qcow2 @($written | ForEach-Object { @{ MB = 10 + $_; Byte = 0x40 + $_ } }) | Should -BeNullOrEmpty
        Get-DiskHash $baseDisk | Should -Be $atCloneMoment -Because 'the base is frozen'
        Get-DiskHash $childDisk | Should -Be $atCloneMoment -Because 'the parent''s writes never reach its clone'

        # The parent boots from its own overlay too, and is protected like any parent.
        Invoke-Virsh $LabPath lab1 @('destroy', 'lparent') | Out-Null
        (Invoke-Virsh $LabPath lab1 @('start', 'lparent')).ExitCode | Should -Be 0
        Wait-Heartbeat lab1 lparent
        (Get-VirshDiskPaths $LabPath lab1 lparent)['vda'] | Should -Be $parentOverlay
        Test-DiskPattern $parentOverlay qcow2 @($written | ForEach-Object { @{ MB = 10 + $_; Byte = 0x40 + $_ } }) | Should -BeNullOrEmpty
        { Move-VMLive -VM lparent -Destination lab2 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParentProtected,VmMigration.Commands.MoveVMLiveCommand'
        Get-VirshDomainState $LabPath lab1 'lparent' | Should -Be 'running'
    }

    It '-AsJob clones in a background job whose output is the clone' {
        $job = Copy-VMClone -VM base -Name base-job -AsJob -Confirm:$false
        $job | Should -BeOfType ([System.Management.Automation.Job])
        $clone = $job | Wait-Job -Timeout 120 | Receive-Job
        $job.State | Should -Be 'Completed'
        $clone.Name | Should -Be 'base-job'
        Get-VirshDomainState $LabPath lab1 'base-job' | Should -Be 'shut off'
    }

    It '-WhatIf makes nothing' {
        Copy-VMClone -VM base -Name whatif-clone -WhatIf
        Get-VirshDomainState $LabPath lab1 'whatif-clone' | Should -BeNullOrEmpty
        Get-PoolVolumes lab1 | Should -Not -Contain 'whatif-clone-vda.qcow2'
    }
}

Describe 'Bad input has a stable error id and leaves no partial copy' -Tag Lab {
    BeforeAll {
        Invoke-Virsh $LabPath lab2 @('pool-create-as', 'tiny', 'dir', '--target', $TinyPath) | ForEach-Object ExitCode | Should -Be 0
    }
    BeforeEach {
        $script:before = @{ vms = (Get-MigrationVM | ForEach-Object { "$($_.Name)@$($_.HostName)" } | Sort-Object) -join ','
            lab1 = (Get-PoolVolumes lab1) -join ','; lab2 = (Get-PoolVolumes lab2) -join ','; tiny = (Get-PoolVolumes lab2 tiny) -join ',' }
    }
    AfterEach {
        (Get-MigrationVM | ForEach-Object { "$($_.Name)@$($_.HostName)" } | Sort-Object) -join ',' | Should -Be $script:before.vms
        (Get-PoolVolumes lab1) -join ',' | Should -Be $script:before.lab1
        (Get-PoolVolumes lab2) -join ',' | Should -Be $script:before.lab2
        (Get-PoolVolumes lab2 tiny) -join ',' | Should -Be $script:before.tiny
    }

    It '<Case>: <ErrorId>' -ForEach @(
        @{ Case = 'a name in use'; ErrorId = 'CloneNameExists'; Arguments = @{ VM = 'base'; Name = 'tmpl' } }
        @{ Case = 'an unknown VM'; ErrorId = 'VmNotFound'; Arguments = @{ VM = 'no-such-vm'; Name = 'x1' } }
        @{ Case = 'an unknown pool'; ErrorId = 'StoragePoolNotFound'; Arguments = @{ VM = 'base'; Name = 'x2'; StoragePool = 'no-such-pool' } }
        @{ Case = 'a pool too small'; ErrorId = 'InsufficientStorage'; Arguments = @{ VM = 'base'; Name = 'x3'; Destination = 'lab2'; StoragePool = 'tiny' } }
        @{ Case = 'a linked clone on another host'; ErrorId = 'LinkedCloneAcrossHosts'; Arguments = @{ VM = 'tmpl'; Name = 'x4'; Destination = 'lab2'; Linked = $true } }
    ) {
        { Copy-VMClone @Arguments -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,VmMigration.Commands.CopyVMCloneCommand"
    }
}
