#requires -Modules Pester
# Get-MigrationJob and Stop-MigrationJob on a real 2-host lab: a slow live move (-AsJob, capped bandwidth) is seen with its
# source, destination and progress, then aborted; virsh (not the module) witnesses that the VM runs on its source only.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabPath = Get-TestLabPath jobs
    Start-MigrationLab -HostCount 2 -Path $LabPath | Out-Null
    # Dirties memory faster than the capped link carries it: the move never converges, so it is still in flight when looked at.
    New-MigrationLabVM -HostName lab1 -Name slow -MemoryMB 192 -WorkingSetMB 96 -DirtyRateMBps 24 | Out-Null
    New-MigrationLabVM -HostName lab1 -Name still -MemoryMB 64 -WorkingSetMB 8 | Out-Null
    Start-Sleep -Seconds 2
    $script:SlowMove = @{ VM = 'slow'; Destination = 'lab2'; Strategy = 'PreCopy'; BandwidthMBps = 8; TimeoutSec = 300; Confirm = $false }

    function Wait-MigrationJob([string] $VMName, [int] $TimeoutSec = 60) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while ([DateTime]::UtcNow -lt $deadline) {
            $job = Get-MigrationJob -VM $VMName | Where-Object { $_.Destination -and $_.PercentComplete -gt 0 }
            if ($job) { return $job }
            Start-Sleep -Milliseconds 250
        }
        throw "Get-MigrationJob showed no migration of '$VMName' with a destination and progress within $TimeoutSec s."
    }

    # Ends a move the test left running (stopping its job aborts it, the VM stays on its source) and removes the job.
    function Remove-MoveJob($Move) {
        if ($Move.State -eq 'Running') { $Move | Stop-Job }
        $Move | Wait-Job -Timeout 120 | Out-Null
        $Move | Remove-Job -Force
    }
}

AfterAll {
    Get-Job | Remove-Job -Force -ErrorAction SilentlyContinue
    Stop-TestLab -Path $script:LabPath
}

Describe 'Get-MigrationJob and Stop-MigrationJob on the lab' -Tag Lab {
    It 'shows a move in flight with its source, destination and progress, and nothing for a VM that is not moving' {
        $move = Move-VMLive @SlowMove -AsJob
        try {
            Wait-IncomingMigration $LabPath 'lab2' 'slow' | Out-Null

            $job = Wait-MigrationJob 'slow'

            @($job).Count | Should -Be 1 -Because 'the source''s outgoing job and the destination''s incoming guest are one job'
            $job | Should -BeOfType ([VmMigration.MigrationJob])
            $job.Kind | Should -Be 'LiveMigration'
            $job.HostName | Should -Be 'lab1'
            $job.Source | Should -Be 'lab1'
            $job.Destination | Should -Be 'lab2'
            $job.PercentComplete | Should -BeGreaterThan 0
            $job.PercentComplete | Should -BeLessThan 100
            $job.DataProcessedBytes | Should -BeGreaterThan 0
            $job.ElapsedSec | Should -BeGreaterThan 0
            $job.HeldBy | Should -BeLike 'this process*' -Because 'this PowerShell process started the move (-AsJob runs in it)'
            Get-VirshDomainState $LabPath 'lab2' 'slow' | Should -Be 'paused' -Because 'virsh sees the incoming copy waiting on the destination'
            @(Get-MigrationJob -VM still) | Should -BeNullOrEmpty
            @(Get-MigrationJob -HostName lab2 | Where-Object VMName -eq 'slow').Count | Should -Be 1 -Because 'a host filter matches the destination too'
            (Get-MigrationJob | Format-Table | Out-String) | Should -Match 'slow\s+LiveMigration\s+lab1\s+lab2'
        }
        finally {
            Remove-MoveJob $move
        }
    }

    It 'Stop-MigrationJob -WhatIf leaves the move running' {
        $move = Move-VMLive @SlowMove -AsJob
        try {
            Wait-MigrationJob 'slow' | Out-Null

            Get-MigrationJob -VM slow | Stop-MigrationJob -WhatIf

            Start-Sleep -Seconds 1
            $move.State | Should -Be 'Running'
            @(Get-MigrationJob -VM slow).Count | Should -Be 1
        }
        finally {
            Remove-MoveJob $move
        }
    }

    It 'Stop-MigrationJob aborts the move; the VM runs on its source only, its memory intact and advancing' {
        $move = Move-VMLive @SlowMove -AsJob
        Wait-MigrationJob 'slow' | Out-Null
        $before = Get-VirshGuestCounters $LabPath 'lab1' 'slow'

        $stopped = Get-MigrationJob -VM slow | Stop-MigrationJob -Confirm:$false

        $stopped | Should -BeOfType ([VmMigration.MigrationJobStopResult])
        $stopped.Status | Should -Be 'Aborted' -Because $stopped.Message
        $stopped.RunningOn | Should -Be 'lab1'
        $stopped.Source | Should -Be 'lab1'
        $stopped.Destination | Should -Be 'lab2'
        $result = $move | Wait-Job -Timeout 120 | Receive-Job -ErrorAction SilentlyContinue
        $move | Remove-Job -Force
        $result.Status | Should -Be 'Aborted' -Because ($result | Format-List * | Out-String)
        $result.ErrorId | Should -Be 'MigrationAborted'
        $result.RunningOn | Should -Be 'lab1'

        $placement = @(Get-VirshPlacement $LabPath @('lab1', 'lab2') 'slow')
        $placement.Count | Should -Be 1 -Because "virsh must see the VM on exactly one host, found: $($placement | Out-String)"
        $placement[0].Host | Should -Be 'lab1'
        $placement[0].State | Should -Be 'running'
        @(Get-MigrationJob -VM slow) | Should -BeNullOrEmpty
        Start-Sleep -Milliseconds 500
        (Get-VirshGuestCounters $LabPath 'lab1' 'slow').Heartbeat | Should -BeGreaterThan $before.Heartbeat
        $check = Test-MigrationLabVM -VM slow
        $check.Intact | Should -BeTrue -Because $check.Message
        $check.Advancing | Should -BeTrue -Because $check.Message
    }

    It 'Stop-MigrationJob of a VM with no job is MigrationJobNotFound and changes nothing' {
        Stop-MigrationJob -VM still -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure[0].FullyQualifiedErrorId | Should -Be 'MigrationJobNotFound,VmMigration.Commands.StopMigrationJobCommand'
        Get-VirshDomainState $LabPath 'lab1' 'still' | Should -Be 'running'
    }
}
