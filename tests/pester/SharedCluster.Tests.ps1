#requires -Modules Pester
# Two runners on one cluster, as two admin boxes or pipeline agents are: a second pwsh process with a state directory of
# its own (so nothing is shared but the hosts) runs an evacuation while this process tries to use the same hosts. What
# one must respect of the other (the hosts a run holds, a host in maintenance) is kept on the hosts, as libvirt secrets;
# virsh (not the module) shows them there. About 3 minutes of lab time.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ChildProcess.psm1') -Force
    $script:LabPath = Get-TestLabPath shared
    $script:Hosts = @('lab1', 'lab2', 'lab3')
    $env:VMMIGRATION_STATE_DIR = Join-Path $TestDrive 'state-here'
    Start-MigrationLab -HostCount 3 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
    foreach ($name in 'sh1', 'sh2', 'sh3') { New-MigrationLabVM -HostName lab1 -Name $name -MemoryMB 64 -WorkingSetMB 24 -DirtyRateMBps 1 | Out-Null }
    Start-Sleep -Seconds 2

    # The module's leases on a host as virsh lists its secrets: usage ids 'vmmigration-lease/<name>'.
    function Get-VirshLeases([string] $HostName) {
        (Invoke-Virsh $LabPath $HostName @('secret-list')).Output -split "`n" |
            ForEach-Object { if ($_ -match 'vmmigration-lease/(\S+)') { $Matches[1] } }
    }

    # Another runner: an evacuation of -HostName in a new pwsh with its own state directory, slow enough to be caught
    # in flight (8 MiB/s, one move at a time).
    function Start-OtherRunner([string] $HostName, [string] $Journal) {
        $script = @"
Import-Module '$env:VMMIGRATION_MODULE'
`$env:VMMIGRATION_STATE_DIR = '$(Join-Path $TestDrive "state-other-$HostName")'
Start-MigrationLab -HostCount 3 -Path '$LabPath' -WarningAction SilentlyContinue | Out-Null
Invoke-HostEvacuation -HostName $HostName -JournalPath '$Journal' -MaxConcurrent 1 -BandwidthMBps 8 -Force | Out-Null
"@
        $scriptPath = Join-Path $TestDrive "other-$HostName.ps1"
        Set-Content $scriptPath $script
        $pwsh = Get-ChildPwshCommand -ScriptPath $scriptPath
        $runner = Start-Process -FilePath $pwsh.FilePath -ArgumentList $pwsh.ArgumentList -PassThru `
            -RedirectStandardOutput (Join-Path $TestDrive "other-$HostName.out") -RedirectStandardError (Join-Path $TestDrive "other-$HostName.err")
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ([DateTime]::UtcNow -lt $deadline -and -not ((Test-Path $Journal) -and (Get-Content $Journal -Raw) -match '"InFlight"')) { Start-Sleep -Milliseconds 200 }
        (Get-Content $Journal -Raw) | Should -Match '"InFlight"' -Because 'the other runner must be moving a VM'
        $runner
    }

    function Assert-EveryGuestOnce {
        foreach ($name in 'sh1', 'sh2', 'sh3') {
            $where = @(Get-VirshPlacement $LabPath $Hosts $name)
            $where.Count | Should -Be 1 -Because "$name must be defined on exactly one host (found on: $($where.Host -join ', '))"
            $where[0].State | Should -Be 'running'
        }
    }
}

AfterAll {
    Remove-Item Env:VMMIGRATION_STATE_DIR -ErrorAction Ignore
    Stop-TestLab -Path $script:LabPath
}

Describe 'Runs on two runners that share a cluster' -Tag Lab {
    It 'a run of another runner holds every host: a balance run here is refused naming it, then waits for it with -WaitSec' {
        $journal = Join-Path $TestDrive 'other-lab1.json'
        $other = Start-OtherRunner lab1 $journal
        try {
            foreach ($h in $Hosts) { Get-VirshLeases $h | Should -Contain 'run' -Because "virsh shows the other run's lease on $h" }
            $held = Get-MigrationHost | Where-Object Name -eq 'lab2'
            $held.HeldBy | Should -BeLike "Invoke-HostEvacuation of lab1 by *(pid $($other.Id)) since *"

            $refused = $null
            try { Invoke-ClusterBalance -Threshold 1 -SampleSec 1 -Confirm:$false -ErrorAction Stop | Out-Null } catch { $refused = $_ }
            $refused | Should -Not -BeNullOrEmpty
            $refused.FullyQualifiedErrorId | Should -BeLike 'HostHeldByAnotherRun*'
            $refused.Exception.Message | Should -BeLike "*Invoke-HostEvacuation of lab1 by *(pid $($other.Id))*-WaitSec*"

            $summary = Invoke-ClusterBalance -Threshold 1 -SampleSec 1 -WaitSec 300 -Confirm:$false -WarningVariable waited -WarningAction SilentlyContinue |
                Where-Object { $_ -is [VmMigration.ClusterBalanceSummary] }
            $other.HasExited | Should -BeTrue -Because 'the balance run went on only once the evacuation had given its hosts back'
            $summary | Should -Not -BeNullOrEmpty
            ($waited | Out-String) | Should -BeLike '*Waiting up to*held by Invoke-HostEvacuation of lab1*'
        }
        finally {
            if (-not $other.HasExited) { $other.Kill($true) }
        }
        $other.ExitCode | Should -Be 0 -Because (Get-Content (Join-Path $TestDrive 'other-lab1.err') -Raw)
        foreach ($h in $Hosts) { Get-VirshLeases $h | Should -Not -Contain 'run' -Because "both runs gave $h back" }
        Assert-EveryGuestOnce
    }

    It 'the host the other runner drained is in maintenance here too; Resume-MigrationHost here takes it out on the host' {
        Get-VirshLeases lab1 | Should -Contain 'maintenance'
        $lab1 = Get-MigrationHost | Where-Object Name -eq 'lab1'
        $lab1.State | Should -Be 'Maintenance' -Because 'this runner keeps no mark of its own: the host says so'
        $lab1.Message | Should -BeLike '*evacuation of lab1 by *'
        $plan = Get-MigrationPlan -Goal Evacuate -HostName lab2
        $plan.Steps.Destination | Should -Not -Contain 'lab1'

        Resume-MigrationHost -HostName lab1 -Confirm:$false | Out-Null

        Get-VirshLeases lab1 | Should -Not -Contain 'maintenance'
        (Get-MigrationHost | Where-Object Name -eq 'lab1').State | Should -Be 'Connected'
    }

    It 'a lease left by a runner on another machine blocks nobody once it has lapsed, and blocks while it has not' {
        # As a runner on box2 leaves it when it dies: its lease, written with virsh, lapsed a minute ago on lab2.
        function Set-ForeignLease([string] $HostName, [string] $Uuid, [DateTime] $ExpiresAt) {
            $description = [ordered]@{ holder = 'ops@box2 (pid 4242)'; machine = 'box2'; processId = 4242; purpose = 'Invoke-ClusterBalance'
                since = $ExpiresAt.AddMinutes(-5).ToString('o'); expiresAt = $ExpiresAt.ToString('o') } | ConvertTo-Json -Compress
            $xml = "<secret ephemeral='no' private='no'><uuid>$Uuid</uuid><description>$([Security.SecurityElement]::Escape($description))</description><usage type='tls'><name>vmmigration-lease/run</name></usage></secret>"
            $file = Join-Path $TestDrive "lease-$Uuid.xml"
            Set-Content $file $xml
            (Invoke-Virsh $LabPath $HostName @('secret-define', $file)).ExitCode | Should -Be 0
        }
        $live = [guid]::NewGuid().ToString()
        Set-ForeignLease lab3 $live ([DateTime]::UtcNow.AddMinutes(5))
        $refused = $null
        try { Invoke-ClusterBalance -Threshold 1 -SampleSec 1 -Confirm:$false -ErrorAction Stop | Out-Null } catch { $refused = $_ }
        $refused.FullyQualifiedErrorId | Should -BeLike 'HostHeldByAnotherRun*'
        $refused.Exception.Message | Should -BeLike "*host 'lab3' is held by Invoke-ClusterBalance by ops@box2 (pid 4242)*"
        (Invoke-Virsh $LabPath lab3 @('secret-undefine', $live)).ExitCode | Should -Be 0

        $lapsed = [guid]::NewGuid().ToString()
        Set-ForeignLease lab2 $lapsed ([DateTime]::UtcNow.AddMinutes(-1))
        $summary = Invoke-ClusterBalance -Threshold 1 -SampleSec 1 -Confirm:$false -ErrorAction Stop | Where-Object { $_ -is [VmMigration.ClusterBalanceSummary] }
        $summary | Should -Not -BeNullOrEmpty
        (Invoke-Virsh $LabPath lab2 @('secret-dumpxml', $lapsed)).ExitCode | Should -Not -Be 0 -Because 'the lapsed lease was released'
        foreach ($h in $Hosts) { Get-VirshLeases $h | Should -Not -Contain 'run' }
    }

    It 'a runner killed while it holds the hosts: the next run on this machine takes them over at once and -Resume completes' {
        $source = (Get-MigrationVM -Name sh1).HostName
        $journal = Join-Path $TestDrive "other-$source.json"
        $other = Start-OtherRunner $source $journal
        & kill -9 $other.Id
        $other.WaitForExit()
        Get-VirshLeases $source | Should -Contain 'run' -Because 'a killed runner leaves its lease behind'

        $clock = [Diagnostics.Stopwatch]::StartNew()
        $output = @(Invoke-HostEvacuation -HostName $source -JournalPath $journal -Resume -Force)
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 100 -Because 'the dead runner is seen dead, not waited out'
        $output[-1].Failed | Should -Be 0
        Assert-EveryGuestOnce
        foreach ($h in $Hosts) { Get-VirshLeases $h | Should -Not -Contain 'run' }
        Resume-MigrationHost -HostName $source -Confirm:$false | Out-Null
    }
}
