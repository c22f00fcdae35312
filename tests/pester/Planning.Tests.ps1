#requires -Modules Pester
# Plans on a real 3-host lab: nothing moves until a plan is piped to Move-VMLive; rules hold; plans round-trip;
# a plan that no longer fits is refused with PlanIsStale, or re-planned with -Replan.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabPath = Get-TestLabPath planning
    Start-MigrationLab -HostCount 3 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
    foreach ($name in 'pa', 'pb', 'pc') {
        New-MigrationLabVM -HostName lab1 -Name $name -MemoryMB 64 -WorkingSetMB 8 | Out-Null
    }

    function Get-Placement {
        $map = @{}
        foreach ($h in 'lab1', 'lab2', 'lab3') {
            foreach ($vm in 'pa', 'pb', 'pc') {
                if ((Get-VirshDomainState $LabPath $h $vm) -eq 'running') { $map[$vm] = $h }
            }
        }
        $map
    }
}

AfterAll {
    Stop-TestLab -Path $script:LabPath
}

Describe 'Get-MigrationPlan on the lab' -Tag Lab {
    # The lab's guests are idle and small (CPU use is measured, not assumed), so three on one host are within the
    # default spread threshold; -TargetScore 0 asks for the most even spread, which needs moves.
    It 'leaves a cluster under the spread threshold alone' {
        (Get-MigrationPlan -Goal Balance).Steps.Count | Should -Be 0
    }

    It 'explains a balance plan and moves nothing' {
        $plan = Get-MigrationPlan -Goal Balance -TargetScore 0

        $plan | Should -BeOfType ([VmMigration.MigrationPlan])
        $plan.Steps.Count | Should -BeGreaterThan 0
        $plan.ScoreAfter | Should -BeLessThan $plan.ScoreBefore
        foreach ($step in $plan.Steps) {
            $step.Source | Should -Be 'lab1'
            $step.Destination | Should -BeIn @('lab2', 'lab3')
            $step.Reason.Code | Should -Not -BeNullOrEmpty
            $step.Reason.Text | Should -Not -BeNullOrEmpty
            $step.PredictedDurationSec | Should -BeGreaterThan 0
        }
        (Get-Placement).Values | Sort-Object -Unique | Should -Be @('lab1')
    }

    It 'round-trips a plan through JSON byte for byte' {
        $path = Join-Path $TestDrive 'plan.json'
        $again = Join-Path $TestDrive 'again.json'
        Get-MigrationPlan -Goal Evacuate -HostName lab1 | Export-MigrationPlan -Path $path | Out-Null
        Import-MigrationPlan -Path $path | Export-MigrationPlan -Path $again | Out-Null
        (Get-FileHash $again).Hash | Should -Be (Get-FileHash $path).Hash
        $imported = Import-MigrationPlan -Path $path
        $imported.Steps.Destination | Should -Not -Contain 'lab1'
        @($imported.Steps.VMName | Sort-Object) | Should -Be @('pa', 'pb', 'pc')
    }

    It 'keeps anti-affine VMs apart and names contradicting rules' {
        $rules = Join-Path $TestDrive 'rules.json'
        New-MigrationRule -Path $rules -Name pa-pb-apart -Kind AntiAffinity -VM pa, pb | Out-Null
        { New-MigrationRule -Path $rules -Name pa-pb-together -Kind Affinity -VM pa, pb -ErrorAction Stop } |
            Should -Throw -ErrorId 'RuleConflict,VmMigration.Commands.NewMigrationRuleCommand'
        (Get-MigrationRule -Path $rules).Name | Should -Be @('pa-pb-apart')

        $plan = Get-MigrationPlan -Goal Balance -TargetScore 0 -RulePath $rules
        $final = @{ pa = 'lab1'; pb = 'lab1'; pc = 'lab1' }
        foreach ($step in $plan.Steps) { $final[$step.VMName] = $step.Destination }
        $final['pa'] | Should -Not -Be $final['pb']
    }

    It 'executes a plan piped to Move-VMLive, and running it again skips what is done' {
        $plan = Get-MigrationPlan -Goal Balance -TargetScore 0
        $results = @($plan | Move-VMLive -Confirm:$false)

        $results.Count | Should -Be $plan.Steps.Count
        $results.Status | Sort-Object -Unique | Should -Be @('Succeeded')
        $placement = Get-Placement
        foreach ($step in $plan.Steps) { $placement[$step.VMName] | Should -Be $step.Destination }

        $again = @($plan | Move-VMLive -Confirm:$false)
        $again.Status | Sort-Object -Unique | Should -Be @('Skipped')
    }

    It 'refuses a stale plan with PlanIsStale, and -Replan runs a fresh one' {
        $path = Join-Path $TestDrive 'evacuate.json'
        $plan = Get-MigrationPlan -Goal Evacuate -HostName lab2
        $plan | Export-MigrationPlan -Path $path | Out-Null
        $step = $plan.Steps[0]
        # The world changes under the plan: its VM moves somewhere the plan did not expect.
        $elsewhere = @('lab1', 'lab3') | Where-Object { $_ -ne $step.Destination } | Select-Object -First 1
        Move-VMLive -VM $step.VMName -Destination $elsewhere -Confirm:$false | Out-Null
        $before = Get-Placement

        { Import-MigrationPlan -Path $path | Move-VMLive -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'PlanIsStale,VmMigration.Commands.MoveVMLiveCommand'
        Get-Placement | ForEach-Object { $_.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" } } |
            Should -Be ($before.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" })

        $results = @(Import-MigrationPlan -Path $path | Move-VMLive -Replan -Confirm:$false)
        $results.Status | Should -Not -Contain 'Failed'
        (Get-Placement).Values | Should -Not -Contain 'lab2'
    }

    It 'bad input has a stable id: <Case>' -ForEach @(
        @{ Case = 'unknown host'; Call = { Get-MigrationPlan -Goal Evacuate -HostName no-such-host -ErrorAction Stop }; Id = 'HostNotFound' }
        @{ Case = 'evacuating every host'; Call = { Get-MigrationPlan -Goal Evacuate -HostName lab1, lab2, lab3 -ErrorAction Stop }; Id = 'CannotEvacuateAllHosts' }
        @{ Case = 'malformed plan JSON'; Call = { Set-Content (Join-Path $TestDrive 'bad.json') '{ "Goal": "Balance", "Steps": [ { "Order": 1, '; Import-MigrationPlan -Path (Join-Path $TestDrive 'bad.json') -ErrorAction Stop }; Id = 'InvalidPlan' }
        @{ Case = 'malformed inventory'; Call = { Set-Content (Join-Path $TestDrive 'inv.json') '{ "SnapshotTime": "2026-01-31T12:00:00Z", "Hosts": [ { "Name": "h1", "CpuCount": 0, "MemoryMB": 10, "State": "Connected" } ], "VMs": [] }'; Get-MigrationPlan -Goal Balance -InventoryPath (Join-Path $TestDrive 'inv.json') -ErrorAction Stop }; Id = 'InvalidInventory' }
    ) {
        $Call | Should -Throw -ErrorId "$Id,*"
    }

    It 'plans offline from an exported inventory, the same plan every time' {
        $inventory = Join-Path $TestDrive 'inventory.json'
        Export-MigrationInventory -Path $inventory | Out-Null
        $one = Get-MigrationPlan -Goal Evacuate -HostName lab3 -InventoryPath $inventory | ConvertTo-Json -Depth 6
        $two = Get-MigrationPlan -Goal Evacuate -HostName lab3 -InventoryPath $inventory | ConvertTo-Json -Depth 6
        $two | Should -Be $one
    }
}
