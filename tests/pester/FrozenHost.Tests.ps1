#requires -Modules Pester
# A lab host's libvirtd frozen with SIGSTOP during each kind of command. Each command must end within its limit naming the
# frozen host; after SIGCONT, virsh (not the module) must show every VM defined on exactly one host and no partial copy.
# One 2-host lab for the whole file; the call limit is cut to 3 s so that each freeze costs seconds, not the default 15.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabPath = Get-TestLabPath frozen
    Start-MigrationLab -HostCount 2 -Path $LabPath | Out-Null
    New-Item -ItemType Directory "$LabPath/lab1/fast" -Force | Out-Null
    Invoke-Virsh $LabPath lab1 @('pool-create-as', 'fast', 'dir', '--target', "$LabPath/lab1/fast") | Out-Null

    $script:CallLimitSec = 3
    # The registry is the session's: the limit is put back in AfterAll, or every later test file would run with it.
    $script:CallLimitBefore = [VmMigration.Session.HostRegistry]::Default.CallTimeout
    [VmMigration.Session.HostRegistry]::Default.CallTimeout = [TimeSpan]::FromSeconds($CallLimitSec)
    # What a command may take beyond one call limit: the module's own work and PowerShell's.
    $script:MarginSec = 4
    # A live move's abort cannot reach a silent source: the job waits out the abort grace before it says what it knows.
    $script:AbortGraceSec = [VmMigration.Execution.Live.LiveMigrationJob]::AbortGrace.TotalSeconds

    New-MigrationLabVM -HostName lab1 -Name disk1 -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB 16 -Confirm:$false | Out-Null
    # A disk big enough (512 MiB of data) that its copy to lab2 is still under way when lab2 is frozen.
    New-MigrationLabVM -HostName lab1 -Name cold1 -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB 1024 -Confirm:$false | Out-Null
    Invoke-Virsh $LabPath lab1 @('destroy', 'cold1') | Out-Null
    # Dirties memory faster than the capped link carries it, so a move is still under way when its source is frozen.
    New-MigrationLabVM -HostName lab1 -Name live1 -MemoryMB 64 -WorkingSetMB 32 -DirtyRateMBps 16 -Confirm:$false | Out-Null
    $script:AllVMs = 'disk1', 'cold1', 'live1'
    Start-Sleep -Seconds 2

    function Get-LibvirtdPid([string] $HostName) {
        ((Get-MigrationLab -Path $LabPath).Hosts | Where-Object Name -EQ $HostName).Pid
    }

    <# Runs $Command with $HostName's libvirtd stopped; resumes it whatever happens. Returns the time taken and what was thrown. #>
    function Invoke-WithHostFrozen([string] $HostName, [scriptblock] $Command) {
        $daemon = Get-LibvirtdPid $HostName
        & kill -STOP $daemon
        $clock = [Diagnostics.Stopwatch]::StartNew()
        try {
            $output = try { & $Command } catch { $_ }
            [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Output = $output }
        }
        finally {
            & kill -CONT $daemon
        }
    }

    <# Waits (the host answers its queued clean-ups after SIGCONT) until every VM is defined on exactly one host. #>
    function Assert-EachVMDefinedOnce([string[]] $Names = $AllVMs) {
        foreach ($name in $Names) {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            do {
                $placement = @(Get-VirshPlacement $LabPath @('lab1', 'lab2') $name)
                if ($placement.Count -eq 1) { break }
                Start-Sleep -Milliseconds 500
            } while ([DateTime]::UtcNow -lt $deadline)
            $placement.Count | Should -Be 1 -Because "VM '$name' must be defined on exactly one host, found: $($placement | Out-String)"
        }
    }

    <# Waits until neither host has a domain or a volume named like the clone: what a failed clone made is taken back. #>
    function Assert-NoTraceOf([string] $CloneName) {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        do {
            $domains = @(Get-VirshPlacement $LabPath @('lab1', 'lab2') $CloneName)
            $volumes = @('lab1', 'lab2' | ForEach-Object { Get-VirshPoolVolumes $LabPath $_ } | Where-Object { $_ -like "$CloneName*" })
            if ($domains.Count -eq 0 -and $volumes.Count -eq 0) { break }
            Start-Sleep -Milliseconds 500
        } while ([DateTime]::UtcNow -lt $deadline)
        $domains | Should -BeNullOrEmpty -Because 'a failed clone must not stay defined'
        $volumes | Should -BeNullOrEmpty -Because 'a failed clone must not leave a partial copy'
    }

    <# The messages of results and error records, as one text. #>
    function Get-Said($Output) {
        ($Output | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.Message } else { $_.Message } }) -join "`n"
    }

    function Assert-NamesHost($Output, [string] $HostName) {
        Get-Said $Output | Should -Match "Host '$HostName' did not answer"
    }

    <# After SIGCONT: waits until the session's connection to the host answers again (its unanswered call has returned). #>
    function Wait-HostAnswers([string] $HostName) {
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Get-MigrationHost -Name $HostName).State -eq 'Unreachable' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 500 }
        (Get-MigrationHost -Name $HostName).State | Should -Not -Be 'Unreachable' -Because "$HostName answers again once thawed"
    }
}

AfterAll {
    if ($script:CallLimitBefore) { [VmMigration.Session.HostRegistry]::Default.CallTimeout = $script:CallLimitBefore }
    Stop-TestLab -Path $script:LabPath
}

Describe 'A frozen host' -Tag Lab {
    It 'Get-MigrationVM lists the other host''s VMs within one call limit and names the frozen one' {
        New-MigrationLabVM -HostName lab2 -Name other2 -MemoryMB 32 -WorkingSetMB 4 -Confirm:$false | Out-Null
        $run = Invoke-WithHostFrozen lab1 { Get-MigrationVM -ErrorVariable +listErrors -ErrorAction SilentlyContinue; $listErrors }

        $run.Seconds | Should -BeLessThan ($CallLimitSec + $MarginSec)
        @($run.Output | Where-Object { $_ -is [VmMigration.MigrationVM] }).Name | Should -Be @('other2')
        $failure = @($run.Output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'HostUnreachable,*'
        Assert-NamesHost $failure[0] lab1
        Assert-EachVMDefinedOnce ($AllVMs + 'other2')
    }

    It 'Copy-VMClone on the same host fails within its limit naming it, and leaves no clone and no copy' {
        $vm = Get-MigrationVM -Name disk1
        $run = Invoke-WithHostFrozen lab1 { Copy-VMClone -VM $vm -Name disk1-same -Confirm:$false -ErrorAction Stop }

        $run.Seconds | Should -BeLessThan ($CallLimitSec + $MarginSec)
        $run.Output | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $run.Output.FullyQualifiedErrorId | Should -BeLike 'HostUnreachable,*'
        Assert-NamesHost $run.Output lab1
        Assert-NoTraceOf disk1-same
        Assert-EachVMDefinedOnce
    }

    It 'Copy-VMClone to a frozen destination fails within its limit naming it, and leaves no clone and no copy there' {
        $vm = Get-MigrationVM -Name disk1
        $run = Invoke-WithHostFrozen lab2 { Copy-VMClone -VM $vm -Name disk1-across -Destination lab2 -Confirm:$false -ErrorAction Stop }

        # The check of the names and addresses in use meets the silent host first (one limit); the copy then fails at once.
        $run.Seconds | Should -BeLessThan ($CallLimitSec + $MarginSec)
        $run.Output | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $run.Output.FullyQualifiedErrorId | Should -BeLike 'HostUnreachable,*'
        Assert-NamesHost $run.Output lab2
        Assert-NoTraceOf disk1-across
        Assert-EachVMDefinedOnce
    }

    It 'a storage move on a frozen host ends within its limit naming it, and the VM keeps its disk with no copy left' {
        $vm = Get-MigrationVM -Name disk1
        $run = Invoke-WithHostFrozen lab1 {
            Move-VMLive -VM $vm -DestinationStoragePool fast -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable +moveErrors
            $moveErrors
        }

        $run.Seconds | Should -BeLessThan ($CallLimitSec + $MarginSec)
        Assert-NamesHost $run.Output lab1
        @($run.Output | Where-Object { $_ -is [VmMigration.MigrationResult] -and $_.Status -eq 'Succeeded' }) | Should -BeNullOrEmpty
        Start-Sleep -Seconds 2
        (Get-VirshDiskPaths $LabPath lab1 disk1)['vda'] | Should -Be "$LabPath/lab1/pool/disk1.qcow2"
        (Invoke-Virsh $LabPath lab1 @('blockjob', 'disk1', 'vda', '--info')).Output | Should -Match 'No current block job'
        Get-VirshPoolVolumes $LabPath lab1 fast | Should -Not -Contain 'disk1.qcow2' -Because 'a partial copy must be removed'
        Assert-EachVMDefinedOnce
    }

    It 'a cold move (Invoke-HostEvacuation -IncludeStopped) whose destination freezes mid-copy ends within its limit naming it, and leaves no copy there' {
        # Cold moves run first, one at a time, before the live ones; with lab2 silent the live ones find no destination.
        $job = Invoke-HostEvacuation -HostName lab1 -IncludeStopped -BandwidthMBps 64 -Confirm:$false -AsJob
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Get-ChildItem "$LabPath/lab2/pool" -Filter 'cold1*' -ErrorAction Ignore) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Get-ChildItem "$LabPath/lab2/pool" -Filter 'cold1*' | Should -Not -BeNullOrEmpty -Because 'the copy to lab2 has begun'
        $run = Invoke-WithHostFrozen lab2 { $job | Wait-Job -Timeout 90 | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable +jobErrors; $jobErrors }

        $cold = @($run.Output | Where-Object { $_ -is [VmMigration.MigrationResult] -and $_.VMName -eq 'cold1' })
        $cold.Count | Should -Be 1 -Because "the job ($($job.State)) said: $(Get-Said $run.Output)"
        $cold[0].Status | Should -Not -Be 'Succeeded' -Because ($cold[0] | Format-List * | Out-String)
        Assert-NamesHost $cold[0] lab2
        Wait-HostAnswers lab2
        Wait-HostAnswers lab1
        Resume-MigrationHost -HostName lab1 -Failback -Confirm:$false | Out-Null
        Assert-EachVMDefinedOnce ($AllVMs + 'other2')
        (Get-VirshPlacement $LabPath @('lab1', 'lab2') cold1).Host | Should -Be 'lab1'
        # The copy's deletion was queued for lab2 while it was silent and is sent once it answers.
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-VirshPoolVolumes $LabPath lab2) -like 'cold1*' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 500 }
        Get-VirshPoolVolumes $LabPath lab2 | Where-Object { $_ -like 'cold1*' } | Should -BeNullOrEmpty -Because 'a cold move that did not happen must not leave a copy'
    }

    It 'a live move whose source is frozen mid-migration ends within its limit naming it, and the VM then runs on one host' {
        $job = Move-VMLive -VM live1 -Destination lab2 -Strategy PreCopy -BandwidthMBps 4 -TimeoutSec 120 -Confirm:$false -AsJob
        Wait-IncomingMigration $LabPath lab2 live1 | Out-Null
        $run = Invoke-WithHostFrozen lab1 { $job | Wait-Job -Timeout 60 | Receive-Job -ErrorAction SilentlyContinue }

        $run.Seconds | Should -BeLessThan ($CallLimitSec + $AbortGraceSec + $MarginSec)
        $run.Output.Status | Should -Be 'Failed' -Because ($run.Output | Format-List * | Out-String)
        $run.Output.ErrorId | Should -Be 'HostUnreachable'
        Assert-NamesHost $run.Output lab1
        Assert-EachVMDefinedOnce
        (Get-VirshPlacement $LabPath @('lab1', 'lab2') live1).State | Should -Be 'running'
    }

    It 'an evacuation whose host is frozen mid-migration ends within its limit naming it, and every VM then is on one host' {
        $placement = Get-VirshPlacement $LabPath @('lab1', 'lab2') live1
        $from = $placement.Host
        $job = Invoke-HostEvacuation -HostName $from -BandwidthMBps 4 -Confirm:$false -AsJob
        Wait-IncomingMigration $LabPath ($from -eq 'lab1' ? 'lab2' : 'lab1') live1 | Out-Null
        $run = Invoke-WithHostFrozen $from { $job | Wait-Job -Timeout 90 | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable +jobErrors; $jobErrors }

        # The move of live1 is given up after one limit and the abort grace; the evacuation then reports and ends.
        $run.Seconds | Should -BeLessThan ($CallLimitSec + $AbortGraceSec + 2 * $MarginSec)
        $failed = @($run.Output | Where-Object { $_ -is [VmMigration.MigrationResult] -and $_.VMName -eq 'live1' })
        $failed.Count | Should -Be 1 -Because "the job ($($job.State)) said: $(Get-Said $run.Output)"
        $failed[0].Status | Should -Be 'Failed'
        Assert-NamesHost $failed[0] $from
        Wait-HostAnswers $from
        Resume-MigrationHost -HostName $from -Confirm:$false | Out-Null
        Assert-EachVMDefinedOnce ($AllVMs + 'other2')
    }
}
