#requires -Modules Pester
# Encrypted migration on a 3-host lab whose hosts carry a lab CA's certificates: the proof is on the wire. tcpdump records
# the loopback traffic of each move on the destination's migration ports; in the clear the guest's own memory (its header
# "VMMIGLAB" and the "VMGP" record at the start of every working-set page) is in the capture, over TLS it never is.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWitness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    $script:LabPath = Get-TestLabPath encryption
    $env:VMMIGRATION_STATE_DIR = Join-Path $TestDrive 'state'
    Start-MigrationLab -HostCount 3 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
    New-MigrationLabVM -HostName lab1 -Name enc1 -MemoryMB 64 -WorkingSetMB 16 -DirtyRateMBps 1 | Out-Null
    Start-Sleep -Seconds 2
    $script:Lab = Get-MigrationLab -Path $LabPath
    [VmMigration.Execution.Live.MigrationTls]::Forget()

    # Records, while -Action runs, what crosses loopback to or from the migration ports of -HostName.
    function Invoke-Captured([string] $HostName, [scriptblock] $Action) {
        $target = $Lab.Hosts | Where-Object Name -eq $HostName
        $file = Join-Path $TestDrive "capture-$([guid]::NewGuid().ToString('N')).pcap"
        $start = [Diagnostics.ProcessStartInfo]::new((Get-Command tcpdump).Source)
        foreach ($a in @('-i', 'lo', '-n', '-U', '-s', '0', '-w', $file, "tcp portrange $($target.MigrationPortMin)-$($target.MigrationPortMax)")) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardError = $true; $start.UseShellExecute = $false
        $tcpdump = [Diagnostics.Process]::Start($start)
        try {
            # tcpdump says "listening on lo" once it captures.
            $ready = $tcpdump.StandardError.ReadLineAsync()
            if (-not $ready.Wait(10000) -or $ready.Result -notmatch 'listening on') { throw "tcpdump did not start capturing: $($ready.Result)" }
            $output = & $Action
        } finally {
            Start-Sleep -Milliseconds 500
            & kill -INT $tcpdump.Id
            if (-not $tcpdump.WaitForExit(10000)) { $tcpdump.Kill() }
        }
        $bytes = [IO.File]::ReadAllBytes($file)
        $text = [Text.Encoding]::Latin1.GetString($bytes)
        [pscustomobject]@{
            Output = $output
            Bytes = $bytes.Length
            HeaderSeen = $text.Contains('VMMIGLAB')
            PageRecords = ([regex]::Matches($text, 'VMGP')).Count
            Packets = @(& tcpdump -n -r $file 2>$null)
        }
    }

    function Move-Enc1([string] $To, [hashtable] $With = @{}) {
        Move-VMLive -VM enc1 -Destination $To -BandwidthMBps 64 -Confirm:$false @With
    }

    function Assert-Enc1RunsOn([string] $HostName) {
        $placement = @(Get-VirshPlacement $LabPath @('lab1', 'lab2', 'lab3') enc1)
        $placement.Count | Should -Be 1 -Because "enc1 must be defined on exactly one host (found on: $($placement.Host -join ', '))"
        $placement[0].Host | Should -Be $HostName
        $placement[0].State | Should -Be 'running'
        $check = Get-MigrationVM -Name enc1 | Test-MigrationLabVM -IntervalMs 300
        $check.Intact | Should -BeTrue -Because $check.Message
    }

    # Takes a host's migration certificates away for -Action, then gives them back.
    function Invoke-WithoutCertificates([string] $HostName, [scriptblock] $Action) {
        $directory = Join-Path ($Lab.Hosts | Where-Object Name -eq $HostName).Directory 'pki/migration'
        $kept = Join-Path $TestDrive "certs-$HostName"
        New-Item -ItemType Directory $kept -Force | Out-Null
        Move-Item (Join-Path $directory '*') $kept
        try { & $Action } finally { Move-Item (Join-Path $kept '*') $directory }
    }
}

AfterAll {
    [VmMigration.Execution.Live.MigrationTls]::Forget()
    Remove-Item Env:VMMIGRATION_STATE_DIR -ErrorAction Ignore
    Stop-TestLab -Path $script:LabPath
}

Describe 'Encrypted migration on the lab' -Tag Lab {
    It 'in the clear (-Encryption None) the guest''s memory is readable on the wire: the capture can see it' {
        $capture = Invoke-Captured lab2 { Move-Enc1 lab2 @{ Encryption = 'None' } }

        $capture.Output.Status | Should -Be 'Succeeded' -Because $capture.Output.Message
        $capture.Output.Encrypted | Should -BeFalse
        $capture.HeaderSeen | Should -BeTrue -Because "the capture ($($capture.Bytes) bytes) must hold the guest's header in the clear"
        $capture.PageRecords | Should -BeGreaterThan 1000 -Because 'every working-set page starts with its record'
        Assert-Enc1RunsOn lab2
    }

    It 'by default (Auto) the move is encrypted: none of the guest''s memory is on the wire, and it arrives intact' {
        (Test-VMMigration -VM enc1 -Destination lab1).CanEncrypt | Should -BeNullOrEmpty -Because 'nothing is known of the pair before a TLS move is tried'
        $capture = Invoke-Captured lab1 { Move-Enc1 lab1 }

        $capture.Output.Status | Should -Be 'Succeeded' -Because $capture.Output.Message
        $capture.Output.Encrypted | Should -BeTrue
        $capture.Bytes | Should -BeGreaterThan (12MB) -Because 'the working set (16 MiB, written in the clear by the guest) crossed the captured ports'
        $capture.HeaderSeen | Should -BeFalse
        $capture.PageRecords | Should -BeLessThan 3 -Because 'random TLS bytes match a 4-byte record magic about once per 4 GiB'
        Assert-Enc1RunsOn lab1
    }

    It '-Encryption Required between hosts with certificates moves encrypted, with -CopyStorage too' {
        New-MigrationLabVM -HostName lab1 -Name encdisk -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB 16 | Out-Null
        $capture = Invoke-Captured lab3 { Move-VMLive -VM encdisk -Destination lab3 -CopyStorage -Encryption Required -Confirm:$false }

        $capture.Output.Status | Should -Be 'Succeeded' -Because $capture.Output.Message
        $capture.Output.Encrypted | Should -BeTrue
        $capture.HeaderSeen | Should -BeFalse
        @(Get-VirshPlacement $LabPath @('lab1', 'lab2', 'lab3') encdisk).Host | Should -Be 'lab3'
    }

    It 'a destination without certificates: Required refuses before the VM leaves, Auto moves in the clear and says so' {
        Invoke-WithoutCertificates lab2 {
            $refused = Move-Enc1 lab2 @{ Encryption = 'Required'; ErrorAction = 'SilentlyContinue' }
            $refused.Status | Should -Be 'Failed'
            $refused.ErrorId | Should -Be 'EncryptionUnavailable'
            $refused.RunningOn | Should -Be 'lab1'
            $refused.Message | Should -Match "between 'lab1' and 'lab2'"
            $refused.Message | Should -Match ([regex]::Escape("$LabPath/lab2/pki/migration/ca-cert.pem"))
            Assert-Enc1RunsOn lab1
            $check = Test-VMMigration -VM enc1 -Destination lab2 -Encryption Required
            $check.CanEncrypt | Should -BeFalse -Because 'the move just found lab1 -> lab2 unable to encrypt'
            $check.Compatible | Should -BeFalse
            $check.Reasons.Code | Should -Contain 'EncryptionUnavailable'
            (Test-VMMigration -VM enc1 -Destination lab2).Compatible | Should -BeTrue -Because 'Auto would move it in the clear'

            $fellBack = Move-VMLive -VM enc1 -Destination lab2 -BandwidthMBps 64 -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
            "$warned" | Should -Match "enc1: Moved unencrypted" -Because 'a move in the clear where TLS was expected is also a warning'
            $fellBack.Status | Should -Be 'Succeeded' -Because $fellBack.Message
            $fellBack.Encrypted | Should -BeFalse
            $fellBack.Message | Should -Match 'Moved unencrypted'
            Assert-Enc1RunsOn lab2
        }
        [VmMigration.Execution.Live.MigrationTls]::Forget()
        (Move-Enc1 lab1).Encrypted | Should -BeTrue -Because 'lab2 has its certificates again'
    }

    It '-MigrationAddress sends the stream to that address of the destination, not to the one it was connected with' {
        $address = ($Lab.Hosts | Where-Object Name -eq lab2).OwnAddress
        $address | Should -Be '127.0.0.3'
        $ports = ($Lab.Hosts | Where-Object Name -eq lab2)
        $capture = Invoke-Captured lab2 { Move-Enc1 lab2 @{ MigrationAddress = $address } }

        $capture.Output.Status | Should -Be 'Succeeded' -Because $capture.Output.Message
        $capture.Output.Encrypted | Should -BeTrue -Because "lab2's certificate names $address"
        $toPorts = $capture.Packets | Where-Object { $_ -match '> (127\.0\.0\.\d+)\.(\d+):' -and [int]$Matches[2] -ge $ports.MigrationPortMin -and [int]$Matches[2] -le $ports.MigrationPortMax }
        $toPorts | Should -Not -BeNullOrEmpty
        @($toPorts | Where-Object { $_ -notmatch "> $([regex]::Escape($address))\." }) | Should -BeNullOrEmpty -Because 'every packet to the migration ports went to the named address'
        Assert-Enc1RunsOn lab2
    }

    It '-MigrationNetwork sends the stream to the destination''s address in that network' {
        $lab1 = $Lab.Hosts | Where-Object Name -eq lab1
        (Get-MigrationHost -Name lab1).MigrationAddresses | Should -Contain $lab1.OwnAddress -Because 'a lab host is connected with its own loopback address'
        $capture = Invoke-Captured lab1 { Move-Enc1 lab1 @{ MigrationNetwork = "$($lab1.OwnAddress)/32" } }

        $capture.Output.Status | Should -Be 'Succeeded' -Because $capture.Output.Message
        $toPorts = $capture.Packets | Where-Object { $_ -match '> (127\.0\.0\.\d+)\.(\d+):' -and [int]$Matches[2] -ge $lab1.MigrationPortMin -and [int]$Matches[2] -le $lab1.MigrationPortMax }
        $toPorts | Should -Not -BeNullOrEmpty
        @($toPorts | Where-Object { $_ -notmatch "> $([regex]::Escape($lab1.OwnAddress))\." }) | Should -BeNullOrEmpty -Because 'every packet to the migration ports went to lab1''s address in that network'
        Assert-Enc1RunsOn lab1
    }

    It '-MigrationNetwork in which the destination has no address is refused before anything moves, naming what it has' {
        $result = Move-Enc1 lab2 @{ MigrationNetwork = '10.99.0.0/16'; ErrorAction = 'SilentlyContinue' }

        $result.Status | Should -Be 'Failed'
        $result.ErrorId | Should -Be 'MigrationNetworkUnreachable'
        $result.Message | Should -Match ([regex]::Escape(($Lab.Hosts | Where-Object Name -eq lab2).OwnAddress))
        Assert-Enc1RunsOn lab1
        { Move-Enc1 lab2 @{ MigrationNetwork = '10.99.0.1'; ErrorAction = 'Stop' } } | Should -Throw -ErrorId 'InvalidArgument,VmMigration.Commands.MoveVMLiveCommand'
    }

    It '-MigrationAddress that is not an address is refused with InvalidArgument before anything moves' {
        { Move-Enc1 lab1 @{ MigrationAddress = 'tcp://10.0.0.1:49152'; ErrorAction = 'Stop' } } | Should -Throw -ErrorId 'InvalidArgument,VmMigration.Commands.MoveVMLiveCommand'
        Assert-Enc1RunsOn lab1
    }
}
