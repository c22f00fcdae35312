#requires -Modules Pester
# Scheduled balancing on a real 3-host lab: six small guests crowded on lab1, then ten Invoke-ClusterBalance runs in a
# row on the unchanged lab. Only the first may move anything; virsh (not the module) shows the cooldown record in the
# moved VM's definition on its new host, and every guest running on exactly one host. About 3 minutes of lab time:
# the lab start, a first run with its moves, nine 2-second no-op runs.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabPath = Get-TestLabPath balance
    $script:Guests = @(
        @{ Name = 'bal1'; MemoryMB = 64; WorkingSetMB = 8; DirtyRateMBps = 1 }
        @{ Name = 'bal2'; MemoryMB = 64; WorkingSetMB = 8; DirtyRateMBps = 0 }
        @{ Name = 'bal3'; MemoryMB = 64; WorkingSetMB = 8; DirtyRateMBps = 1 }
        @{ Name = 'bal4'; MemoryMB = 64; WorkingSetMB = 8; DirtyRateMBps = 0 }
        @{ Name = 'bal5'; MemoryMB = 64; WorkingSetMB = 8; DirtyRateMBps = 1 }
        @{ Name = 'bal6'; MemoryMB = 64; WorkingSetMB = 8; DirtyRateMBps = 0 }
    )
    $script:BalanceNamespace = 'https://vmmigration.invalid/xmlns/balance/1'
    $env:VMMIGRATION_STATE_DIR = Join-Path $TestDrive 'state'
    Start-MigrationLab -HostCount 3 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
    foreach ($g in $Guests) { New-MigrationLabVM -HostName lab1 @g | Out-Null }
    Start-Sleep -Seconds 2

    function Assert-EveryGuestOnce {
        foreach ($g in $Guests) {
            $where = @(Get-VirshPlacement $LabPath @('lab1', 'lab2', 'lab3') $g.Name)
            $where.Count | Should -Be 1 -Because "$($g.Name) must be defined on exactly one host (found on: $($where.Host -join ', '))"
            $where[0].State | Should -Be 'running' -Because "$($g.Name) must keep running"
        }
    }

    # Ten runs a few seconds apart on the unchanged lab: the guests' memory is what is uneven (six on lab1), so a
    # threshold low enough for it lets the first run act; the runs after it see the balance it left.
    $script:Runs = foreach ($i in 1..10) {
        $output = @(Invoke-ClusterBalance -SampleSec 2 -Threshold 0.01 -TargetScore 0.005 -MinImprovement 1 -Confirm:$false -WarningAction SilentlyContinue)
        [pscustomobject]@{
            Results = @($output | Where-Object { $_ -is [VmMigration.MigrationResult] })
            Summary = $output | Where-Object { $_ -is [VmMigration.ClusterBalanceSummary] } | Select-Object -Last 1
        }
    }
}

AfterAll {
    Remove-Item Env:VMMIGRATION_STATE_DIR -ErrorAction Ignore
    Stop-TestLab -Path $script:LabPath
}

Describe 'Invoke-ClusterBalance' -Tag Lab {
    It 'writes a summary on every run' {
        @($Runs | Where-Object { $null -eq $_.Summary }).Count | Should -Be 0
    }

    It 'moves in the first of ten runs on an unchanged lab at most, and every move it makes succeeds' {
        foreach ($result in $Runs[0].Results) {
            $result.Status | Should -Be 'Succeeded' -Because "$($result.VMName): $($result.ErrorId) $($result.Message)"
        }
        for ($i = 1; $i -lt 10; $i++) {
            $Runs[$i].Results.Count | Should -Be 0 -Because "run $($i + 1) said: $($Runs[$i].Summary.Message)"
            $Runs[$i].Summary.Planned | Should -Be 0
        }
    }

    It 'leaves every guest running on exactly one host' {
        Assert-EveryGuestOnce
    }

    It 'keeps the cooldown record in the moved VM''s definition, where virsh sees it on its new host' {
        $moved = $Runs[0].Results | Where-Object Status -eq 'Succeeded' | Select-Object -First 1
        if (-not $moved) { Set-ItResult -Skipped -Because "the first run found the lab balanced: $($Runs[0].Summary.Message)"; return }
        $answer = Invoke-Virsh $LabPath $moved.Destination @('metadata', $moved.VMName, '--uri', $BalanceNamespace)
        $answer.ExitCode | Should -Be 0 -Because "$($answer.Output)"
        $xml = [xml]($answer.Output -join "`n")
        $xml.DocumentElement.LocalName | Should -Be 'balanced'
        $xml.DocumentElement.source | Should -Be $moved.Source
        $xml.DocumentElement.destination | Should -Be $moved.Destination
        [DateTime]::Parse($xml.DocumentElement.movedAt).ToUniversalTime() | Should -BeGreaterThan (Get-Date).ToUniversalTime().AddMinutes(-15)
        # The persistent definition has it too, so a restart of the VM keeps it.
        $inactive = Invoke-Virsh $LabPath $moved.Destination @('metadata', $moved.VMName, '--uri', $BalanceNamespace, '--config')
        $inactive.ExitCode | Should -Be 0 -Because "$($inactive.Output)"
    }

    It 'measures a guest''s load and predicts a move to each other host, moving nothing' {
        $before = @(Get-VirshPlacement $LabPath @('lab1', 'lab2', 'lab3') 'bal1')
        $measured = @(Measure-MigrationVM -VM bal1 -SampleSec 2 -BandwidthMBps 100)
        $measured.Count | Should -Be 2 -Because 'one row for each host bal1 does not run on'
        @($measured.Destination | Sort-Object) | Should -Be @(@('lab1', 'lab2', 'lab3') | Where-Object { $_ -ne $before[0].Host })
        foreach ($m in $measured) {
            $m.HostName | Should -Be $before[0].Host
            $m.MemoryMB | Should -Be 64
            # libvirt's own dirty-rate calculation answered for the guest that writes memory.
            $m.DirtyRateMBps | Should -Not -BeNullOrEmpty
            $m.CpuUsagePercent | Should -BeGreaterThan 0
            $m.PredictedDurationSec | Should -BeGreaterThan 0
            $m.Fits | Should -BeTrue
        }
        Assert-EveryGuestOnce
        @(Get-VirshPlacement $LabPath @('lab1', 'lab2', 'lab3') 'bal1')[0].Host | Should -Be $before[0].Host
    }

    It 'says why the later runs did nothing: the cooldown or the threshold' {
        $Runs[9].Summary.Message | Should -Match 'Balanced|cooling down|does not pay'
    }
}
