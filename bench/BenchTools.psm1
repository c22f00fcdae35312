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

Export-ModuleMember -Function Measure-Seconds, Get-Median, Invoke-Native, ConvertTo-MarkdownTable
