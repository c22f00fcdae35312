<#
.SYNOPSIS
    A second PowerShell process, started the way this one was (pwsh, or 'dotnet pwsh.dll' for the dotnet tool): what a
    runbook in a scheduled task or a pipeline agent is, a process that knows nothing of this one's session.
#>

Set-StrictMode -Version 3.0

function Invoke-ChildPwsh {
    <# Runs -Script in a new pwsh (no profile, no input) and returns its exit code and everything it printed. #>
    param([Parameter(Mandatory)] [string] $Script, [int] $TimeoutSec = 300)
    $scriptPath = Join-Path ([IO.Path]::GetTempPath()) "vmmigration-child-$PID-$([guid]::NewGuid().ToString('N')).ps1"
    Set-Content -LiteralPath $scriptPath $Script
    try {
        $arguments = @('-NoProfile', '-NonInteractive', '-File', $scriptPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $arguments = @("$PSHOME/pwsh.dll") + $arguments }
        $start = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        foreach ($argument in $arguments) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardOutput = $true; $start.RedirectStandardError = $true; $start.RedirectStandardInput = $true
        $start.UseShellExecute = $false
        $process = [Diagnostics.Process]::Start($start)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync(); $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true)
            throw "The child pwsh did not finish within $TimeoutSec s. It printed: $($stdout.Result)$($stderr.Result)"
        }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result + $stderr.Result }
    }
    finally { Remove-Item -LiteralPath $scriptPath -ErrorAction Ignore }
}

Export-ModuleMember -Function Invoke-ChildPwsh
