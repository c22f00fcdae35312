<#
.SYNOPSIS
    What every lab benchmark needs: wall-clock timing, medians, native commands that must succeed, and the markdown table.
#>

function Measure-Seconds([scriptblock] $Action) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    & $Action | Out-Null
    $clock.Elapsed.TotalSeconds
}

<# The median; $null for no values (e.g. no run converged). #>
function Get-Median([double[]] $Values) {
    if (-not $Values -or $Values.Count -eq 0) { return $null }
    $sorted = @($Values | Sort-Object)
    $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
}

function Invoke-Native([string] $Program, [string[]] $Arguments) {
    $output = & $Program @Arguments 2>&1
    if ($LASTEXITCODE) { throw "$Program $($Arguments -join ' ') failed: $output" }
}

<# Rows (objects) as a markdown table with the given columns, in that order. #>
function ConvertTo-MarkdownTable([object[]] $Rows, [string[]] $Columns) {
    '| ' + ($Columns -join ' | ') + ' |'
    '|' + (($Columns | ForEach-Object { '---' }) -join '|') + '|'
    foreach ($row in $Rows) { '| ' + (($Columns | ForEach-Object { $row.$_ }) -join ' | ') + ' |' }
}

<#
The convergence model's prediction for each succeeded move beside what happened (MigrationResult.Prediction against
DurationMs and DowntimeMs), with the error in percent of the measured figure.
#>
function Get-PredictionError([object[]] $Results, [string] $Label = '') {
    foreach ($result in $Results | Where-Object { $_.Status -eq 'Succeeded' -and $_.Prediction }) {
        $measuredSec = $result.DurationMs / 1000.0
        [pscustomobject]@{
            Move = if ($Label) { $Label } else { $result.VMName }
            PredictedSec = [Math]::Round($result.Prediction.DurationMs / 1000.0, 1); MeasuredSec = [Math]::Round($measuredSec, 1)
            DurationErrorPct = if ($measuredSec -gt 0) { [Math]::Round(100 * [Math]::Abs($result.Prediction.DurationMs / 1000.0 - $measuredSec) / $measuredSec) } else { $null }
            PredictedDowntimeMs = $result.Prediction.DowntimeMs; MeasuredDowntimeMs = $result.DowntimeMs
            DowntimeErrorPct = if ($result.DowntimeMs -gt 0) { [Math]::Round(100 * [Math]::Abs($result.Prediction.DowntimeMs - $result.DowntimeMs) / $result.DowntimeMs) } else { $null }
            AtMBps = $result.Prediction.BandwidthMBps; DirtyMBps = [Math]::Round($result.Prediction.DirtyRateMBps, 1)
        }
    }
}

<# The median errors of Get-PredictionError's rows against issue 14's target, as one line. #>
function Format-PredictionSummary([object[]] $Rows, [int] $TargetPct = 20) {
    $duration = Get-Median @($Rows | Where-Object { $null -ne $_.DurationErrorPct } | ForEach-Object DurationErrorPct)
    $downtime = Get-Median @($Rows | Where-Object { $null -ne $_.DowntimeErrorPct } | ForEach-Object DowntimeErrorPct)
    "Median prediction error over $(@($Rows).Count) moves: duration $duration %, downtime $downtime % (target <= $TargetPct %)."
}

Export-ModuleMember -Function Measure-Seconds, Get-Median, Invoke-Native, ConvertTo-MarkdownTable, Get-PredictionError, Format-PredictionSummary
