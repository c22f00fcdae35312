#requires -Modules Pester
# No silent nothing, with no host and no lab: a command that has nothing to work on says so, a missing file or folder is
# an error with a stable id (and nothing is created), paths resolve as PowerShell users expect (current location,
# -LiteralPath with [ ]), and completion reads the files named on the command line.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force

    # A snapshot in the format Export-MigrationInventory writes (see InventoryJson): two hosts, VMs on alpha.
    function New-InventoryFile([string] $Path) {
        [ordered]@{
            SnapshotTime = '2026-01-31T12:00:00Z'
            Hosts        = @(
                [ordered]@{ Name = 'alpha'; CpuCount = 8; MemoryMB = 16384; State = 'Connected' }
                [ordered]@{ Name = 'beta'; CpuCount = 8; MemoryMB = 16384; State = 'Connected' }
                [ordered]@{ Name = 'gamma-2'; CpuCount = 8; MemoryMB = 16384; State = 'Connected' }
            )
            VMs          = @(
                [ordered]@{ Name = 'web1'; HostName = 'alpha'; VCpuCount = 2; MemoryMB = 2048; CpuUsagePercent = 20; DirtyRateMBps = $null }
                [ordered]@{ Name = 'web2'; HostName = 'alpha'; VCpuCount = 2; MemoryMB = 2048; CpuUsagePercent = 20; DirtyRateMBps = $null }
            )
        } | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $Path
    }

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }
}

Describe 'With no host connected' {
    BeforeEach {
        $work = Join-Path $TestDrive ([guid]::NewGuid())
        New-Item -ItemType Directory $work | Out-Null
    }

    It 'Get-MigrationPlan warns and makes no plan' {
        $plan = Get-MigrationPlan -Goal Balance -WarningVariable warnings -WarningAction SilentlyContinue

        $plan | Should -BeNullOrEmpty
        "$warnings" | Should -BeLike 'No host is connected*Connect-MigrationHost*-InventoryPath*'
    }

    It 'Get-MigrationPlan -InventoryPath plans from the snapshot without a warning' {
        New-InventoryFile "$work/inventory.json"

        $plan = Get-MigrationPlan -Goal Evacuate -HostName alpha -InventoryPath "$work/inventory.json" -WarningVariable warnings

        $plan.Steps.Count | Should -Be 2
        $warnings | Should -BeNullOrEmpty
    }

    It 'Get-MigrationPlan -InventoryPath makes room for a VM that fits nowhere, and keeps -AllowStaging in the plan' {
        # 16 GB hosts, no reserve: big (10 GB) fits on neither beta (8 GB free) nor gamma-2 (6 GB free) until y leaves gamma-2.
        [ordered]@{
            SnapshotTime = '2026-01-31T12:00:00Z'
            Hosts        = @('alpha', 'beta', 'gamma-2' | ForEach-Object { [ordered]@{ Name = $_; CpuCount = 8; MemoryMB = 16384; State = 'Connected' } })
            VMs          = @(
                [ordered]@{ Name = 'big'; HostName = 'alpha'; VCpuCount = 1; MemoryMB = 10240; CpuUsagePercent = 20; DirtyRateMBps = $null }
                [ordered]@{ Name = 'x'; HostName = 'beta'; VCpuCount = 1; MemoryMB = 8192; CpuUsagePercent = 20; DirtyRateMBps = $null }
                [ordered]@{ Name = 'y'; HostName = 'gamma-2'; VCpuCount = 1; MemoryMB = 4096; CpuUsagePercent = 20; DirtyRateMBps = $null }
                [ordered]@{ Name = 'w'; HostName = 'gamma-2'; VCpuCount = 1; MemoryMB = 6144; CpuUsagePercent = 20; DirtyRateMBps = $null }
            )
        } | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath "$work/tight.json"

        $plan = Get-MigrationPlan -Goal Evacuate -HostName alpha -InventoryPath "$work/tight.json" -AllowStaging -WarningVariable warnings

        $warnings | Should -BeNullOrEmpty
        $plan.Unplaced | Should -BeNullOrEmpty
        @($plan.Steps.VMName) | Should -Be @('y', 'big')
        $plan.Steps[0].Reason.Code | Should -Be 'MakeRoom'
        $plan.Steps[0].Reason.Text | Should -BeLike "*'big'*"
        $plan.Steps[1].Wave | Should -BeGreaterThan $plan.Steps[0].Wave
        $plan.Options.AllowStaging | Should -BeTrue
    }

    It 'Export-MigrationInventory warns and writes nothing' {
        $result = Export-MigrationInventory -Path "$work/inventory.json" -WarningVariable warnings -WarningAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        "$warnings" | Should -BeLike "No host is connected*nothing was written to '$work/inventory.json'*Connect-MigrationHost*"
        Test-Path -LiteralPath "$work/inventory.json" | Should -BeFalse
    }

    It 'Export-MigrationInventory creates no folder' {
        Export-MigrationInventory -Path "$work/missing/inventory.json" -WarningAction SilentlyContinue

        Test-Path -LiteralPath "$work/missing" | Should -BeFalse
    }
}

Describe 'Missing rules files and folders' {
    BeforeEach {
        $work = Join-Path $TestDrive ([guid]::NewGuid())
        New-Item -ItemType Directory $work | Out-Null
    }

    It 'Get-MigrationRule on a missing file is RuleFileNotFound naming the path' {
        { Get-MigrationRule -Path "$work/rules.json" } |
            Should -Throw -ErrorId 'RuleFileNotFound,VmMigration.Commands.GetMigrationRuleCommand' -ExpectedMessage "*'$work/rules.json'*"
        Test-Path -LiteralPath "$work/rules.json" | Should -BeFalse
    }

    It 'Remove-MigrationRule on a missing file is RuleFileNotFound' {
        { Remove-MigrationRule -Path "$work/rules.json" -Name web -Confirm:$false } |
            Should -Throw -ErrorId 'RuleFileNotFound,VmMigration.Commands.RemoveMigrationRuleCommand'
        Test-Path -LiteralPath "$work/rules.json" | Should -BeFalse
    }

    It 'Get-MigrationPlan -RulePath with a missing file is RuleFileNotFound, not a plan without rules' {
        New-InventoryFile "$work/inventory.json"

        { Get-MigrationPlan -Goal Balance -InventoryPath "$work/inventory.json" -RulePath "$work/rules.json" } |
            Should -Throw -ErrorId 'RuleFileNotFound,VmMigration.Commands.GetMigrationPlanCommand'
    }

    It 'New-MigrationRule creates a missing file' {
        New-MigrationRule -Path "$work/rules.json" -Name web-apart -Kind AntiAffinity -VM web1, web2 | Out-Null

        (Get-MigrationRule -Path "$work/rules.json").Name | Should -Be 'web-apart'
    }

    It 'New-MigrationRule into a missing folder is DirectoryNotFound naming it, and creates nothing' {
        { New-MigrationRule -Path "$work/missing/rules.json" -Name web-apart -Kind AntiAffinity -VM web1, web2 } |
            Should -Throw -ErrorId 'DirectoryNotFound,VmMigration.Commands.NewMigrationRuleCommand' -ExpectedMessage "*'$work/missing'*"
        Test-Path -LiteralPath "$work/missing" | Should -BeFalse
    }

    It 'Export-MigrationPlan into a missing folder is DirectoryNotFound naming it, and creates nothing' {
        New-InventoryFile "$work/inventory.json"
        $plan = Get-MigrationPlan -Goal Evacuate -HostName alpha -InventoryPath "$work/inventory.json"

        { $plan | Export-MigrationPlan -Path "$work/missing/deeper/plan.json" } |
            Should -Throw -ErrorId 'DirectoryNotFound,VmMigration.Commands.ExportMigrationPlanCommand' -ExpectedMessage "*'$work/missing/deeper'*"
        Test-Path -LiteralPath "$work/missing" | Should -BeFalse
    }

    It 'a path on another provider is InvalidArgument, not a file' {
        { Get-MigrationRule -Path 'Env:/PATH' } | Should -Throw -ErrorId 'InvalidArgument,VmMigration.Commands.GetMigrationRuleCommand'
    }
}

Describe 'Paths as PowerShell users expect them' {
    BeforeEach {
        $work = Join-Path $TestDrive ([guid]::NewGuid())
        New-Item -ItemType Directory "$work/here" | Out-Null
        Push-Location "$work/here"
    }

    AfterEach {
        Pop-Location
    }

    It '<_> offers -LiteralPath with the alias PSPath' -ForEach @(
        'Export-MigrationPlan', 'Import-MigrationPlan', 'Export-MigrationInventory', 'Get-MigrationRule', 'New-MigrationRule', 'Remove-MigrationRule'
    ) {
        (Get-Command $_).Parameters['LiteralPath'].Aliases | Should -Contain 'PSPath'
    }

    It 'the rule cmdlets take a -LiteralPath with [ ] as written' {
        $path = "$work/rules[1].json"

        New-MigrationRule -LiteralPath $path -Name web-apart -Kind AntiAffinity -VM web1, web2 | Out-Null
        New-MigrationRule -LiteralPath $path -Name db-together -Kind Affinity -VM db1, db2 | Out-Null
        Remove-MigrationRule -LiteralPath $path -Name db-together -Confirm:$false

        Test-Path -LiteralPath $path | Should -BeTrue
        (Get-MigrationRule -LiteralPath $path).Name | Should -Be 'web-apart'
    }

    It 'a plan round-trips through a -LiteralPath with [ ], and a file piped in binds by its PSPath' {
        New-InventoryFile "$work/inventory.json"
        $path = "$work/plan[a].json"

        Get-MigrationPlan -Goal Evacuate -HostName alpha -InventoryPath "$work/inventory.json" | Export-MigrationPlan -LiteralPath $path | Out-Null

        Test-Path -LiteralPath $path | Should -BeTrue
        (Import-MigrationPlan -LiteralPath $path).Steps.Count | Should -Be 2
        (Get-Item -LiteralPath $path | Import-MigrationPlan).Steps.Count | Should -Be 2
    }

    It 'relative paths are relative to the PowerShell location, not the process''s directory' {
        New-InventoryFile "$work/here/inventory.json"

        New-MigrationRule -Path rules.json -Name web-apart -Kind AntiAffinity -VM web1, web2 | Out-Null
        $plan = Get-MigrationPlan -Goal Evacuate -HostName alpha -InventoryPath inventory.json -RulePath rules.json
        $plan | Export-MigrationPlan -Path plan.json | Out-Null

        Test-Path -LiteralPath "$work/here/rules.json" | Should -BeTrue
        Test-Path -LiteralPath "$work/here/plan.json" | Should -BeTrue
        (Import-MigrationPlan plan.json).Steps.Count | Should -Be 2
    }

    It 'a wildcard -Path names the one file it matches' {
        New-MigrationRule -Path "$work/here/rules.json" -Name web-apart -Kind AntiAffinity -VM web1, web2 | Out-Null

        (Get-MigrationRule -Path 'rul*.json').Name | Should -Be 'web-apart'
    }

    It 'a lab -Path that is relative resolves against the PowerShell location' {
        # No lab there: nothing is shown (before, a relative lab path failed as "must be absolute").
        { Get-MigrationLab -Path 'no-lab-here' } | Should -Not -Throw
        Get-MigrationLab -Path 'no-lab-here' | Should -BeNullOrEmpty
    }
}

Describe 'Completion from the files on the command line' {
    BeforeAll {
        $work = Join-Path $TestDrive 'completion'
        New-Item -ItemType Directory $work | Out-Null
        New-InventoryFile "$work/inventory.json"
        New-MigrationRule -Path "$work/rules.json" -Name web-apart -Kind AntiAffinity -VM web1, web2 | Out-Null
        New-MigrationRule -Path "$work/rules.json" -Name db-together -Kind Affinity -VM db1, db2 | Out-Null
    }

    It 'Get-MigrationPlan -HostName completes the hosts of the -InventoryPath snapshot' {
        Get-Completion "Get-MigrationPlan -Goal Evacuate -InventoryPath '$work/inventory.json' -HostName " |
            Should -Be @('alpha', 'beta', 'gamma-2')
        Get-Completion "Get-MigrationPlan -Goal Evacuate -InventoryPath '$work/inventory.json' -HostName b" | Should -Be @('beta')
    }

    It 'a relative -InventoryPath is read from the PowerShell location' {
        Push-Location $work
        try {
            Get-Completion 'Get-MigrationPlan -Goal Evacuate -InventoryPath inventory.json -HostName g' | Should -Be @('gamma-2')
        }
        finally { Pop-Location }
    }

    It 'rule names complete from the -Path or -LiteralPath rules file' {
        Get-Completion "Remove-MigrationRule -Path '$work/rules.json' -Name w" | Should -Be @('web-apart')
        Get-Completion "Get-MigrationRule -LiteralPath '$work/rules.json' -Name " | Should -Be @('db-together', 'web-apart')
    }

    It 'a missing rules file completes nothing and prints no error' {
        $Error.Clear()

        Get-Completion "Remove-MigrationRule -Path '$work/none.json' -Name " | Should -BeNullOrEmpty
        $Error.Count | Should -Be 0
    }
}
