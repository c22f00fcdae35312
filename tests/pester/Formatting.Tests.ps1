<#
.SYNOPSIS
    Views: every type a cmdlet writes (and the nested ones users list, such as a plan's steps) has a table view with the
    columns a person wants, sizes and durations humanised; Format-List * of each shows no bare type name.
.NOTES
    No lab: the objects are constructed directly (the engine's types are public). The module under test is the built
    one, named by $env:VMMIGRATION_MODULE (out/VmMigration/<version>/VmMigration.psd1).
#>

BeforeDiscovery {
    # Columns are the view's labels, in order; Shows are texts the table must contain (humanised values).
    $script:cases = @(
        @{
            TypeName = 'VmMigration.MigrationPlan'
            Columns  = 'Goal', 'Steps', 'Waves', 'Unplaced', 'Score', 'Duration'
            Shows    = '0.250 -> 0.010', '75.5 s'
            New      = {
                $options = [VmMigration.Planning.PlanningOptions]@{ Goal = 'Balance'; TargetScore = 0.02; MaxMoves = 5 }
                [VmMigration.MigrationPlan]@{
                    Goal = 'Balance'; Hosts = [Collections.Generic.List[string]]@('lab1', 'lab2', 'lab3'); Options = $options
                    Steps = [Collections.Generic.List[VmMigration.MigrationPlanStep]]@(& $newStep)
                    Unplaced = [Collections.Generic.List[VmMigration.UnplacedVM]]@(& $newUnplaced)
                    ScoreBefore = 0.25; ScoreAfter = 0.01; WaveCount = 1; PredictedDurationSec = 75.5
                }
            }
        }
        @{
            TypeName = 'VmMigration.MigrationResult'
            Columns  = 'VMName', 'Source', 'Destination', 'Status', 'Duration', 'Downtime', 'Transferred', 'Iter', 'Wire', 'ErrorId'
            Shows    = '12.5 s', '42 ms', '96.0 MiB', 'TLS'
            New      = {
                [VmMigration.MigrationResult]@{
                    VMName = 'web1'; Source = 'lab1'; Destination = 'lab2'; Status = 'Succeeded'; DurationMs = 12500; DowntimeMs = 42
                    TransferredBytes = 96MB; Iterations = 3; Encrypted = $true
                }
            }
        }
        @{
            TypeName = 'VmMigration.MigrationPlanStep'
            Columns  = 'Order', 'Wave', 'VMName', 'Source', 'Destination', 'Duration'
            Shows    = '12.3 s'
            New      = { & $newStep }
        }
        @{
            TypeName = 'VmMigration.UnplacedVM'
            Columns  = 'VMName', 'HostName', 'Reason', 'Message'
            Shows    = 'VmTooLarge', 'No host has 64 GiB free.'
            New      = { & $newUnplaced }
        }
        @{
            TypeName = 'VmMigration.MigrationMeasurement'
            Columns  = 'VMName', 'HostName', 'Destination', 'CPU%', 'DirtyMBps', 'Duration', 'Downtime', 'Converges', 'Fits'
            Shows    = 'assumed 0'
            New      = {
                [VmMigration.MigrationMeasurement]@{
                    VMName = 'db1'; HostName = 'lab1'; Destination = 'lab2'; MemoryMB = 2048; VCpuCount = 2; CpuUsagePercent = 12.5
                    PredictedWithDirtyRateMBps = 0; SampleSec = 2; BandwidthMBps = 128; MaxDowntimeMs = 300; DestinationFreeMemoryMB = 4096
                    Fits = $true; Converges = $true; PredictedRounds = 1; PredictedDurationSec = 17.5; PredictedDowntimeMs = 40; PredictedTransferredMB = 2048
                }
            }
        }
        @{
            TypeName = 'VmMigration.MigrationJob'
            Columns  = 'VMName', 'Kind', 'Source', 'Destination', 'Percent', 'Elapsed'
            Shows    = '62.5 %', '41.2 s', 'LiveMigration'
            New      = {
                [VmMigration.MigrationJob]@{
                    VMName = 'web1'; Uuid = '6f1c1c4e-2a43-4b7e-9a51-1f0c2d3e4f50'; Kind = 'LiveMigration'; Operation = 'MigrationOut'
                    HostName = 'lab1'; Source = 'lab1'; Destination = 'lab2'; PercentComplete = 62.5; DataTotalBytes = 2GB
                    DataProcessedBytes = 1.25GB; DataRemainingBytes = 0.75GB; Iteration = 1; ElapsedSec = 41.2
                    StartTime = [datetime]'2026-12-02T15:00:00Z'; HeldBy = ''; Run = ''; JournalPath = ''
                }
            }
        }
        @{
            TypeName = 'VmMigration.MigrationJobStopResult'
            Columns  = 'VMName', 'Status', 'RunningOn', 'Removed', 'Duration'
            Shows    = "paused copy of 'web1' on 'lab2'", '2.5 s'
            New      = {
                [VmMigration.MigrationJobStopResult]@{
                    VMName = 'web1'; Uuid = '6f1c1c4e-2a43-4b7e-9a51-1f0c2d3e4f50'; Kind = 'LiveMigration'; Source = 'lab1'; Destination = 'lab2'
                    Status = 'Aborted'; RunningOn = 'lab1'; Removed = [Collections.Generic.List[string]]@("paused copy of 'web1' on 'lab2'")
                    DurationMs = 2500; Message = "The job of VM 'web1' was aborted; it runs on 'lab1'."
                }
            }
        }
        @{
            TypeName = 'VmMigration.MigrationCheck'
            Columns  = 'VMName', 'Source', 'Destination', 'Compatible', 'Reasons'
            Shows    = 'InsufficientCapacity, CpuIncompatible'
            New      = {
                [VmMigration.MigrationCheck]@{
                    VMName = 'db1'; Source = 'lab1'; Destination = 'lab2'; Compatible = $false
                    Reasons = [Collections.Generic.List[VmMigration.MigrationCheckReason]]@(
                        [VmMigration.MigrationCheckReason]@{ Code = 'InsufficientCapacity'; Message = 'lab2 has 512 MiB free.' }
                        [VmMigration.MigrationCheckReason]@{ Code = 'CpuIncompatible'; Message = 'lab2 lacks avx512f.' })
                }
            }
        }
        @{
            TypeName = 'VmMigration.EvacuationSummary'
            Columns  = 'Host', 'Moved', 'Failed', 'Skipped', 'NotStarted', 'Duration'
            Shows    = '95.2 s'
            New      = {
                [VmMigration.EvacuationSummary]@{
                    Host = 'lab1'; Moved = 5; Failed = 1; Skipped = 2; NotStarted = 0; DurationSec = 95.24; PredictedDurationSec = 80
                    TransferredBytes = 3GB; InMaintenance = $true; JournalPath = '/var/lib/vmmigration/evacuations/lab1.json'
                }
            }
        }
        @{
            TypeName = 'VmMigration.ClusterBalanceSummary'
            Columns  = 'Spread', 'Threshold', 'Moved', 'Failed', 'CoolingDown', 'Message'
            Shows    = '0.142 -> 0.048', '0.100', 'above the threshold'
            New      = {
                [VmMigration.ClusterBalanceSummary]@{
                    Hosts = [Collections.Generic.List[string]]@('lab1', 'lab2'); ScoreBefore = 0.142; InstantScore = 0.15; ScoreAfter = 0.048
                    Threshold = 0.1; Planned = 2; Moved = 2; CoolingDown = 1; DurationSec = 12.5
                    Message = 'The load spread 0.142 (smoothed; 0.150 this window) is above the threshold 0.100: 2 move(s) bring it to 0.048 (target 0.050).'
                }
            }
        }
        @{
            TypeName = 'VmMigration.HostMaintenanceResult'
            Columns  = 'HostName', 'Status', 'Phase', 'Moved', 'Duration', 'ErrorId'
            Shows    = '3 out, 0 back', '42.0 s', 'MaintenanceScriptFailed'
            New      = {
                [VmMigration.HostMaintenanceResult]@{
                    HostName = 'lab2'; Status = 'Failed'; Phase = 'Script'; VMsMoved = 3; VMsFailedBack = 0; DurationSec = 42
                    ScriptOutput = [object[]]@('apt: 12 upgraded'); ScriptErrors = [string[]]@('Script: reboot refused')
                    ErrorId = 'MaintenanceScriptFailed'; Message = 'The script of host lab2 failed: reboot refused.'; TransferredBytes = 1GB; InMaintenance = $true
                    Moves = [Collections.Generic.List[VmMigration.MigrationResult]]@([VmMigration.MigrationResult]@{ VMName = 'web1'; Status = 'Succeeded' })
                }
            }
        }
        @{
            TypeName = 'VmMigration.RollingMaintenanceSummary'
            Columns  = 'Succeeded', 'Failed', 'NotStarted', 'Moves', 'Saved', 'Duration'
            Shows    = '2/3', '5 moves, 1,280.0 MiB', '310.5 s'
            New      = {
                [VmMigration.RollingMaintenanceSummary]@{
                    Hosts = 3; Succeeded = 2; Failed = 1; NotStarted = 0; Order = [string[]]@('lab1', 'lab2', 'lab3'); Moves = 7
                    TransferredBytes = 2GB; MovedMemoryBytes = 1792MB; BaselineMoves = 12; BaselineBytes = 3GB; MovesSaved = 5; BytesSaved = 1280MB
                    DurationSec = 310.5; JournalPath = '/var/lib/vmmigration/rolling/lab1_lab2_lab3.json'
                }
            }
        }
        @{
            TypeName = 'VmMigration.Planning.PlacementRule'
            Columns  = 'Name', 'Kind', 'VMs', 'Hosts'
            Shows    = 'web1, web2', 'lab1, lab2'
            New      = {
                [VmMigration.Planning.PlacementRule]@{
                    Name = 'web-on-fast'; Kind = 'MustRunOn'
                    VMs = [Collections.Generic.List[string]]@('web1', 'web2'); Hosts = [Collections.Generic.List[string]]@('lab1', 'lab2')
                }
            }
        }
        @{
            TypeName = 'VmMigration.Lab.LabInfo'
            Columns  = 'Path', 'Accelerator', 'Hosts', 'Running', 'Created'
            Shows    = 'lab1, lab2', '1/2'
            New      = {
                [VmMigration.Lab.LabInfo]@{
                    Path = '/var/lib/vmmigration/lab'; Accelerator = 'tcg'; CreatedUtc = [datetime]'2026-11-26T10:00:00Z'
                    Hosts = [Collections.Generic.List[VmMigration.Lab.LabHostInfo]]@((& $newLabHost), [VmMigration.Lab.LabHostInfo]@{ Name = 'lab2'; Index = 2 })
                }
            }
        }
        @{
            TypeName = 'VmMigration.Lab.LabHostInfo'
            Columns  = 'Name', 'Running', 'Pid', 'MigrationPorts', 'Uri'
            Shows    = '49152-49215'
            New      = { & $newLabHost }
        }
        @{
            TypeName = 'VmMigration.Lab.LabVMCheck'
            Columns  = 'VMName', 'HostName', 'Intact', 'Advancing', 'Pages', 'Corrupt'
            Shows    = '2048'
            New      = {
                [VmMigration.Lab.LabVMCheck]@{
                    VMName = 'web1'; HostName = 'lab2'; Intact = $true; Advancing = $true; Pass = 12; Heartbeat = 3400
                    PagesChecked = 2048; CorruptPages = 0; StalePages = 0; Message = 'The pattern is intact and advancing.'
                }
            }
        }
        @{
            TypeName = 'VmMigration.DiskMove'
            Columns  = 'Target', 'Pool', 'Format', 'Copied', 'Switched', 'NewPath'
            Shows    = '1,024.0 MiB'
            New      = {
                [VmMigration.DiskMove]@{
                    Target = 'vda'; OldPath = '/pools/slow/db1.qcow2'; NewPath = '/pools/nvme/db1.qcow2'; Pool = 'nvme'; OldFormat = 'qcow2'
                    Format = 'raw'; CapacityBytes = 2GB; CopiedBytes = 1GB; AllocatedBytes = 1GB; Switched = $true; SwitchPauseMs = 48
                }
            }
        }
    )
}

BeforeAll {
    $module = Import-Module $env:VMMIGRATION_MODULE -Force -PassThru

    $newStep = {
        [VmMigration.MigrationPlanStep]@{
            Order = 1; Wave = 1; VMName = 'web1'; Source = 'lab1'; Destination = 'lab2'; MemoryMB = 2048
            PredictedDurationSec = 12.34; PredictedDowntimeMs = 120
            Reason = [VmMigration.PlanReason]@{ Code = 'Balance'; Text = 'Moves web1 from lab1, one of the most loaded hosts.' }
        }
    }
    $newUnplaced = {
        [VmMigration.UnplacedVM]@{ VMName = 'huge'; HostName = 'lab1'; Reason = [VmMigration.PlanReason]@{ Code = 'VmTooLarge'; Text = 'No host has 64 GiB free.' } }
    }
    $newLabHost = {
        [VmMigration.Lab.LabHostInfo]@{
            Name = 'lab1'; Index = 1; Uri = 'qemu+unix:///system?socket=/var/lib/vmmigration/lab/lab1/run/libvirt/libvirt-sock'
            Pid = 4242; IsRunning = $true; MigrationPortMin = 49152; MigrationPortMax = 49215
        }
    }

    function Get-TableView([string] $TypeName) {
        @(Get-FormatData -TypeName $TypeName -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition |
            Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
    }
}

Describe 'Every type a cmdlet writes has a table view' {
    It 'covers the [OutputType] of every exported cmdlet' {
        $written = Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object OutputType | ForEach-Object Type |
            Where-Object { $_ -and $_.Namespace -like 'VmMigration*' } | ForEach-Object FullName | Sort-Object -Unique
        $written | Should -Not -BeNullOrEmpty
        $withoutView = @($written | Where-Object { -not (Get-TableView $_) })
        $withoutView | Should -BeNullOrEmpty -Because 'a cmdlet writes them and module/VmMigration.Format.ps1xml has no table view for them'
    }
}

Describe 'The view of <TypeName>' -ForEach $cases {
    BeforeAll {
        $object = & $New
        $view = Get-TableView $TypeName
    }

    It 'is a table whose columns are <Columns>' {
        $view | Should -Not -BeNullOrEmpty
        @($view.Control.Headers | ForEach-Object { if ($_.Label) { $_.Label } }) | Should -Be $Columns
    }

    It 'formats a <TypeName> as a table with those columns and humanised values' {
        $object.GetType().FullName | Should -Be $TypeName
        $table = $object | Format-Table | Out-String -Width 300
        $header = @($table -split "`r?`n" | Where-Object { $_.Trim() })[0]
        @(($header -split '\s+') | Where-Object { $_ }) | Should -Be $Columns
        foreach ($text in $Shows) { $table | Should -BeLikeExactly "*$text*" }
    }

    It 'lists every property with Format-List *, none as a bare type name' {
        $list = $object | Format-List * | Out-String -Width 300
        foreach ($property in $object.PSObject.Properties.Name) { $list | Should -Match "(?m)^$property\s*:" }
        $list | Should -Not -Match '\bVmMigration\.[\w.]+\b' -Because 'a nested object without a readable form shows as its type name'
    }
}
