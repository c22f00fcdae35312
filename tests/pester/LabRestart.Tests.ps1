#requires -Modules Pester
# Restart-MigrationLabHost does to a lab host what a reboot does; virsh (not the module) is the witness of what came back.
# One 2-host lab for the whole file.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabPath = Get-TestLabPath restart
    Start-MigrationLab -HostCount 2 -Path $LabPath | Out-Null
    New-MigrationLabVM -HostName lab2 -Name kept1 -MemoryMB 32 -WorkingSetMB 4 -Confirm:$false | Out-Null
    New-MigrationLabVM -HostName lab2 -Name off1 -MemoryMB 32 -WorkingSetMB 4 -Confirm:$false | Out-Null
    Invoke-Virsh $LabPath lab2 @('destroy', 'off1') | Out-Null

    function Get-LabHostState([string] $Name) { ((Get-MigrationLab -Path $LabPath).Hosts | Where-Object Name -EQ $Name) }
    function Get-HostUuid([string] $Name) { [regex]::Match((Invoke-Virsh $LabPath $Name @('capabilities')).Output, '<uuid>([^<]+)</uuid>').Groups[1].Value }
}

AfterAll {
    Stop-TestLab -Path $script:LabPath
}

Describe 'Restart-MigrationLabHost' -Tag Lab {
    It '-WhatIf leaves the host and its running VM alone' {
        $before = (Get-LabHostState lab2).Pid
        Restart-MigrationLabHost -HostName lab2 -WhatIf
        (Get-LabHostState lab2).Pid | Should -Be $before
        Get-VirshDomainState $LabPath lab2 kept1 | Should -Be 'running'
    }

    It 'takes the host down at once, kills what still ran there with a warning naming it, and brings it back with its definitions shut off' {
        $uuidBefore = Get-HostUuid lab2
        $pidBefore = (Get-LabHostState lab2).Pid
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Restart-MigrationLabHost -HostName lab2 -DownSec 4 -Confirm:$false -WarningVariable said -WarningAction SilentlyContinue

        $clock.Elapsed.TotalSeconds | Should -BeLessThan 4 -Because 'without -Wait it returns once the host is down'
        "$said" | Should -Match "lab2.*kept1"
        "$said" | Should -Not -Match 'off1' -Because 'a VM that was shut off is not lost'
        (Get-LabHostState lab2).IsRunning | Should -BeFalse
        (Get-MigrationHost -Name lab2).State | Should -Be 'Unreachable'

        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not (Get-LabHostState lab2).IsRunning -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        (Get-LabHostState lab2).IsRunning | Should -BeTrue -Because 'the host comes back after -DownSec'
        (Get-LabHostState lab2).Pid | Should -Not -Be $pidBefore
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 4
        Get-VirshDomainState $LabPath lab2 kept1 | Should -Be 'shut off' -Because 'its persistent definition is back, its QEMU was killed'
        Get-VirshDomainState $LabPath lab2 off1 | Should -Be 'shut off'
        Get-HostUuid lab2 | Should -Be $uuidBefore -Because 'it comes back with the same identity'
        (Invoke-Virsh $LabPath lab2 @('pool-info', 'lab')).Output | Should -Match 'State:\s+running' -Because 'its storage pool starts with it'
        # The session reaches it again without Connect-MigrationHost: its dead connection is opened anew.
        (Get-MigrationHost -Name lab2).State | Should -Be 'Connected'
        (Get-MigrationVM -HostName lab2).Name | Should -Be @('kept1', 'off1')
    }

    It '-Wait returns once the host serves again; a host that is down already is refused with LabHostDown' {
        Restart-MigrationLabHost -HostName lab1 -DownSec 1 -Wait -Confirm:$false
        (Get-LabHostState lab1).IsRunning | Should -BeTrue
        (Get-MigrationHost -Name lab1).State | Should -Be 'Connected'

        Restart-MigrationLabHost -HostName lab1 -DownSec 5 -Confirm:$false
        { Restart-MigrationLabHost -HostName lab1 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'LabHostDown,VmMigration.Commands.RestartMigrationLabHostCommand'
    }

    It 'a host that is down when the lab stops stays down: nothing of the lab starts again after Stop-MigrationLab' {
        Restart-MigrationLabHost -HostName lab2 -DownSec 3 -Confirm:$false
        Stop-MigrationLab -Path $LabPath -Force
        Start-Sleep -Seconds 5
        @(Get-Process libvirtd -ErrorAction Ignore | Where-Object { "$($_.CommandLine)" -like "*$LabPath/*" }) | Should -BeNullOrEmpty
        Test-Path "$LabPath/lab2" | Should -BeFalse
    }
}
