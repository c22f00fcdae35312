<#
.SYNOPSIS
    A second PowerShell process, started the way this one was (pwsh, or 'dotnet pwsh.dll' for the dotnet tool): what a
    runbook in a scheduled task or a pipeline agent is, a process that knows nothing of this one's session.
#>

Set-StrictMode -Version 3.0

function Get-ChildPwshCommand {
    <#
    The program and arguments that run the script at -ScriptPath in a new pwsh (no profile, not interactive), for a test
    that starts it itself (Start-Process, to kill it or to let it run on).
    #>
    param([Parameter(Mandatory)] [string] $ScriptPath)
    $arguments = @('-NoProfile', '-NonInteractive', '-File', $ScriptPath)
    if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $arguments = @("$PSHOME/pwsh.dll") + $arguments }
    [pscustomobject]@{ FilePath = [Environment]::ProcessPath; ArgumentList = $arguments }
}

function Invoke-ChildPwsh {
    <#
    Runs -Script in a new pwsh (no profile, no input) and returns its exit code, everything it printed (Output: standard
    output, then standard error) and its standard output alone (StandardOutput, for a result the script prints last).
    #>
    param([Parameter(Mandatory)] [string] $Script, [int] $TimeoutSec = 300)
    $scriptPath = Join-Path ([IO.Path]::GetTempPath()) "vmmigration-child-$PID-$([guid]::NewGuid().ToString('N')).ps1"
    Set-Content -LiteralPath $scriptPath $Script
    try {
        $command = Get-ChildPwshCommand -ScriptPath $scriptPath
        $start = [Diagnostics.ProcessStartInfo]::new($command.FilePath)
        foreach ($argument in $command.ArgumentList) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardOutput = $true; $start.RedirectStandardError = $true; $start.RedirectStandardInput = $true
        $start.UseShellExecute = $false
        $process = [Diagnostics.Process]::Start($start)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync(); $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true)
            throw "The child pwsh did not finish within $TimeoutSec s. It printed: $($stdout.Result)$($stderr.Result)"
        }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result + $stderr.Result; StandardOutput = $stdout.Result }
    }
    finally { Remove-Item -LiteralPath $scriptPath -ErrorAction Ignore }
}

Export-ModuleMember -Function Get-ChildPwshCommand, Invoke-ChildPwsh
