#requires -Modules Pester
# How our scripts on the lab (the demo, the benchmarks) end (no lab needed: the lab's stop is mocked). The error that
# made a script stop is the one the user sees; a cleanup never masks it, and a lab that never started is stopped silently.
BeforeAll {
    Import-Module $env:VMMIGRATION_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../../docs/tools/LabScript.psm1') -Force

    # What a script does: its body, then Stop-ScriptLab in finally.
    function Invoke-LabScriptBody([scriptblock] $Body) {
        $failed = $true
        try { & $Body; $failed = $false }
        finally { Stop-ScriptLab -LabPath '/var/lib/vmmigration/pester-labscript' -AfterFailure:$failed }
    }
}

Describe 'Stop-ScriptLab' {
    BeforeEach {
        Mock -ModuleName LabScript Get-LabProcessLeftover { }
    }

    It 'is silent when the lab never started, and the body''s own error is what is thrown' {
        Mock -ModuleName LabScript Stop-MigrationLab { Write-Error -ErrorId LabNotRunning -Message 'There is no lab at /var/lib/vmmigration/pester-labscript.' }

        { Invoke-LabScriptBody { throw 'libvirtd was not found' } } | Should -Throw 'libvirtd was not found'
        $warnings = @(Invoke-LabScriptBody { } 3>&1)
        $warnings | Should -BeNullOrEmpty -Because 'stopping a lab that never started is not a problem'
    }

    It 'keeps the body''s error when the cleanup fails too, and says in a warning what the cleanup could not do' {
        Mock -ModuleName LabScript Stop-MigrationLab { throw 'libvirtd did not stop' }

        $thrown = $null
        $warnings = @(try { Invoke-LabScriptBody { throw 'the move failed' } 3>&1 } catch { $thrown = $_ })
        "$thrown" | Should -Be 'the move failed'
        "$warnings" | Should -Match 'libvirtd did not stop'
    }

    It 'throws the cleanup''s problem when the body succeeded' {
        Mock -ModuleName LabScript Stop-MigrationLab { }
        Mock -ModuleName LabScript Get-LabProcessLeftover { 'qemu-system-x86_64 (4242)' }

        { Invoke-LabScriptBody { } } | Should -Throw '*qemu-system-x86_64 (4242)*'
    }

    It 'knows a lab that never started by the error id LabNotRunning, not by the message' {
        Mock -ModuleName LabScript Stop-MigrationLab { Write-Error -ErrorId LabStopFailed -Message 'LabNotRunning? No: libvirtd did not stop.' }
        { Invoke-LabScriptBody { } } | Should -Throw '*libvirtd did not stop*'

        Mock -ModuleName LabScript Stop-MigrationLab { Write-Error -ErrorId LabNotRunning -Message 'Worded any other way.' }
        @(Invoke-LabScriptBody { } 3>&1) | Should -BeNullOrEmpty
    }

    It 'stops the lab after a body that succeeded' {
        Mock -ModuleName LabScript Stop-MigrationLab { }

        Invoke-LabScriptBody { }

        Should -Invoke -ModuleName LabScript Stop-MigrationLab -Times 1 -Exactly -ParameterFilter { $Path -eq '/var/lib/vmmigration/pester-labscript' -and $Force }
    }
}

Describe 'Stop-TestLab, the test files'' cleanup, stops a lab as Stop-ScriptLab does' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestLab.psm1') -Force
    }

    It 'takes LabNotRunning for a lab that is already gone and removes its empty directory' {
        Mock -ModuleName LabScript Stop-MigrationLab { Write-Error -ErrorId LabNotRunning -Message 'There is no lab here.' }
        $left = New-Item -ItemType Directory (Join-Path $TestDrive 'gone-lab')

        Stop-TestLab -Path $left.FullName

        Test-Path $left.FullName | Should -BeFalse
        Should -Invoke -ModuleName LabScript Stop-MigrationLab -Times 1 -Exactly -ParameterFilter { $Path -eq $left.FullName -and $Force }
    }

    It 'says which lab it could not stop, and why' {
        Mock -ModuleName LabScript Stop-MigrationLab { throw 'libvirtd did not stop' }
        $lab = New-Item -ItemType Directory (Join-Path $TestDrive 'stuck-lab')

        { Stop-TestLab -Path $lab.FullName } | Should -Throw "The test lab's cleanup did not finish: stopping the lab at $($lab.FullName): libvirtd did not stop"
    }
}
