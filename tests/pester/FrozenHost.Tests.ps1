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
    $script:AbortGraceSec = [VmMigration.Execution.LiveMigrationJob]::AbortGrace.TotalSeconds

    New-MigrationLabVM -HostName lab1 -Name disk1 -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB 16 -Confirm:$false | Out-Null
    New-MigrationLabVM -HostName lab1 -Name cold1 -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB 16 -Confirm:$false | Out-Null
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

    # Open: an evacuation (live or cold) with a host frozen mid-move. The engine's FrozenHostTests cover both with the fake;
    # on the lab, an Invoke-HostEvacuation -AsJob started after the frozen cases above ended Failed without a word
    # and moved nothing, and the cause is not found yet (see the issue's note).

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
}
