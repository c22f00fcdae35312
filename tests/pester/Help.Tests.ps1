<#
.SYNOPSIS
    Offline help: every exported cmdlet has markdown whose parameters are the cmdlet's real ones, each described, and
    the built MAML gives Get-Help a synopsis, the parameters and an example.
.NOTES
    The module under test is the built one, named by $env:VMMIGRATION_MODULE (out/VmMigration/<version>/VmMigration.psd1).
#>

BeforeDiscovery {
    if (-not $env:VMMIGRATION_MODULE) { throw 'Set VMMIGRATION_MODULE to the built VmMigration.psd1.' }
    $manifest = Import-PowerShellDataFile $env:VMMIGRATION_MODULE
    $script:cmdletNames = @($manifest.CmdletsToExport)
}

BeforeAll {
    $module = Import-Module $env:VMMIGRATION_MODULE -Force -PassThru
    $script:docs = Join-Path $PSScriptRoot '../../docs/VmMigration'
    . (Join-Path $PSScriptRoot '../../docs/tools/ConvertTo-MamlHelp.ps1')
    $script:commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters

    function Get-RealParameterNames([string] $Name) {
        $command = Get-Command $Name -Module $module.Name -CommandType Cmdlet -ErrorAction Stop
        @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters } | Sort-Object)
    }

    # Names in A and not in B, and in B and not in A, as one readable line.
    function Compare-Names([string[]] $Documented, [string[]] $Real) {
        $missing = @($Real | Where-Object { $_ -notin $Documented })
        $extra = @($Documented | Where-Object { $_ -notin $Real })
        if ($missing.Count -or $extra.Count) {
            "not documented: [$($missing -join ', ')]; documented but not a parameter: [$($extra -join ', ')]"
        }
        else { '' }
    }
}

Describe 'The module exports its cmdlets' {
    It 'exports every cmdlet its manifest lists' {
        $exported = @((Get-Module VmMigration).ExportedCmdlets.Keys)
        $absent = @($cmdletNames | Where-Object { $_ -notin $exported })
        $absent | Should -BeNullOrEmpty -Because "the manifest lists them but the assembly does not implement them (yet)"
    }
}

Describe 'Help for <_>' -ForEach $cmdletNames {
    BeforeAll {
        $name = $_
        $markdownPath = Join-Path $docs "$name.md"
        $exists = Test-Path $markdownPath
        $markdown = if ($exists) { Read-CommandMarkdown -Path $markdownPath } else { $null }
        $command = Get-Command $name -Module VmMigration -CommandType Cmdlet -ErrorAction SilentlyContinue
    }

    It 'has docs/VmMigration/<_>.md' {
        $exists | Should -BeTrue -Because "every exported cmdlet is documented in $docs"
    }

    It 'is implemented by the module' {
        $command | Should -Not -BeNullOrEmpty -Because "$name is exported by the manifest"
    }

    It 'documents exactly the parameters the cmdlet has' {
        $exists | Should -BeTrue
        $command | Should -Not -BeNullOrEmpty
        $difference = Compare-Names -Documented @($markdown.Parameters.Name) -Real (Get-RealParameterNames $name)
        $difference | Should -BeNullOrEmpty
    }

    It 'documents which parameters are required and which take pipeline input' {
        $exists | Should -BeTrue
        $command | Should -Not -BeNullOrEmpty
        $wrong = foreach ($parameter in $markdown.Parameters) {
            $real = $command.Parameters[$parameter.Name]
            if (-not $real) { continue }
            $attributes = @($real.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
            $required = [bool]($attributes | Where-Object Mandatory)
            $byValue = [bool]($attributes | Where-Object ValueFromPipeline)
            $byName = [bool]($attributes | Where-Object ValueFromPipelineByPropertyName)
            if ($parameter.Required -ne $required) { "-$($parameter.Name): Required is $required, documented $($parameter.Required)" }
            if (($parameter.PipelineInput -match 'ByValue') -ne $byValue) { "-$($parameter.Name): by value is $byValue, documented '$($parameter.PipelineInput)'" }
            if (($parameter.PipelineInput -match 'ByPropertyName') -ne $byName) { "-$($parameter.Name): by property name is $byName, documented '$($parameter.PipelineInput)'" }
        }
        $wrong | Should -BeNullOrEmpty
    }

    It 'describes every parameter' {
        $exists | Should -BeTrue
        $undescribed = @($markdown.Parameters | Where-Object { -not ($_.Description -join '').Trim() } | ForEach-Object Name)
        $undescribed | Should -BeNullOrEmpty
    }

    It 'has examples in the markdown' {
        $exists | Should -BeTrue
        @($markdown.Examples | Where-Object { $_.Code }).Count | Should -BeGreaterThan 0
    }

    Context 'Get-Help -Full (the built MAML)' {
        BeforeAll {
            $help = if ($command) { Get-Help $name -Full } else { $null }
        }

        It 'has a synopsis from the help file' {
            $command | Should -Not -BeNullOrEmpty
            # Without a help file, Get-Help makes a synopsis from the syntax; the real one is the markdown's.
            "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
            "$($help.Synopsis)".Trim() | Should -Be (($markdown.Synopsis -join ' ').Trim())
        }

        It 'lists the parameters' {
            $command | Should -Not -BeNullOrEmpty
            $helpNames = @($help.parameters.parameter | ForEach-Object name)
            Compare-Names -Documented $helpNames -Real (Get-RealParameterNames $name) | Should -BeNullOrEmpty
        }

        It 'shows whether each parameter is required and takes pipeline input' {
            $command | Should -Not -BeNullOrEmpty
            foreach ($parameter in @($help.parameters.parameter)) {
                $parameter.required | Should -BeIn 'true', 'false'
                $parameter.pipelineInput | Should -Not -BeNullOrEmpty
                $parameter.position | Should -Not -BeNullOrEmpty
            }
        }

        It 'has at least one example' {
            $command | Should -Not -BeNullOrEmpty
            @($help.examples.example | Where-Object { "$($_.code)".Trim() }).Count | Should -BeGreaterThan 0
        }
    }
}

Describe 'The help converter' {
    It 'turns a page whose syntax names no parameter set into one syntax item of all its parameters' {
        $page = Join-Path $TestDrive 'Get-Thing.md'
        $lines = @(
            '# Get-Thing', '', '## SYNOPSIS', 'Gets a thing.', '', '## SYNTAX', '', '```', 'Get-Thing [-Name <String>]', '```', '',
            '## DESCRIPTION', 'Gets it.', '', '## EXAMPLES', '', '### Example 1', '```powershell', 'Get-Thing', '```', '',
            '## PARAMETERS', '', '### -Name', 'Its name.', '', '```yaml', 'Type: System.String', 'Parameter Sets: (All)',
            'Required: False', 'Position: Named', 'Accept pipeline input: False', '```', '')
        Set-Content -Path $page -Value $lines
        $out = Join-Path $TestDrive 'Thing-Help.xml'
        ConvertTo-MamlHelp -MarkdownPath $page -OutputPath $out
        $maml = [xml](Get-Content $out -Raw)
        $items = @($maml.GetElementsByTagName('syntaxItem', 'http://schemas.microsoft.com/maml/dev/command/2004/10'))
        $items.Count | Should -Be 1
        @($items[0].parameter.name) | Should -Be @('Name')
    }
}
