<#
.SYNOPSIS
    Turns cmdlet help written in PlatyPS's markdown layout into a MAML help file (…dll-Help.xml) that Get-Help reads.
.DESCRIPTION
    PlatyPS cannot be installed on the build machines, so this is the small part of it the build needs.
    Dot-source this file, then call ConvertTo-MamlHelp. Pure PowerShell 7; no external modules.

    Markdown layout read (one cmdlet per file):
      YAML front matter (external help file, Module Name, title), '# <Cmdlet>', '## SYNOPSIS', '## SYNTAX'
      ('### <Set>' + a ``` block per parameter set), '## DESCRIPTION', '## EXAMPLES' ('### Example N: title',
      a ```powershell block, remarks), '## PARAMETERS' ('### -Name', description, a ```yaml block with Type,
      Parameter Sets, Aliases, Required, Position, Default value, Accept pipeline input, Accept wildcard characters,
      optionally Accepted values), '## INPUTS' / '## OUTPUTS' ('### <Type>' + text), '## NOTES', '## RELATED LINKS'.
.EXAMPLE
    . ./docs/tools/ConvertTo-MamlHelp.ps1
    ConvertTo-MamlHelp -MarkdownPath (Get-ChildItem docs/VmMigration -Filter *.md).FullName -OutputPath out/VmMigration/0.1.0/en-US/VmMigration.dll-Help.xml
#>

Set-StrictMode -Version 3.0

$script:MamlNamespaces = [ordered]@{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

function ConvertTo-MamlHelp {
    <#
    .SYNOPSIS
        Converts PlatyPS-style markdown files into one MAML help file.
    .DESCRIPTION
        Writes -OutputPath (UTF-8). PowerShell looks a binary cmdlet's help up under the name of the assembly that
        implements it (<Assembly>.dll-Help.xml), which the markdown's 'external help file' front matter records;
        when that name differs from -OutputPath's, the same help is also written under that name next to -OutputPath,
        so Get-Help finds it either way. Returns the files written.
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [string[]] $MarkdownPath,

        [Parameter(Mandatory)]
        [string] $OutputPath
    )
    begin { $commands = [System.Collections.Generic.List[object]]::new() }
    process {
        foreach ($path in $MarkdownPath) {
            $commands.Add((Read-CommandMarkdown -Path $path))
        }
    }
    end {
        if ($commands.Count -eq 0) { throw 'No markdown files were given.' }
        $xml = New-MamlDocument -Commands ($commands | Sort-Object Name)

        $outputFull = [System.IO.Path]::GetFullPath($OutputPath)
        $targets = [System.Collections.Generic.List[string]]::new()
        $targets.Add($outputFull)
        $directory = [System.IO.Path]::GetDirectoryName($outputFull)
        foreach ($helpFile in ($commands.ExternalHelpFile | Where-Object { $_ } | Sort-Object -Unique)) {
            $alternative = Join-Path $directory $helpFile
            if ($targets -notcontains $alternative) {
                Write-Verbose "The markdown names '$helpFile' as the external help file; writing it too, since Get-Help looks for that name."
                $targets.Add($alternative)
            }
        }

        $settings = [System.Xml.XmlWriterSettings]::new()
        $settings.Indent = $true
        $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
        foreach ($target in $targets) {
            New-Item -ItemType Directory -Force ([System.IO.Path]::GetDirectoryName($target)) | Out-Null
            $writer = [System.Xml.XmlWriter]::Create($target, $settings)
            try { $xml.Save($writer) } finally { $writer.Dispose() }
            Get-Item $target
        }
    }
}

# --- Markdown reading -------------------------------------------------------------------------------------------

function Read-CommandMarkdown {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path)

    $text = (Get-Content -LiteralPath $Path -Raw -Encoding utf8) -replace "`r`n", "`n"
    $frontMatter = @{}
    if ($text -match '(?s)^---\n(.*?)\n---\n') {
        foreach ($line in $Matches[1] -split "`n") {
            if ($line -match '^\s*([^:#]+?)\s*:\s*(.*?)\s*$') { $frontMatter[$Matches[1]] = $Matches[2].Trim("'", '"') }
        }
        $text = $text.Substring($Matches[0].Length)
    }

    $lines = $text -split "`n"
    $name = $null
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# (\S.*)$' -and -not $name) { $name = $Matches[1].Trim(); continue }
        if (-not $inFence -and $line -match '^## (\S.*)$') {
            $current = $Matches[1].Trim().ToUpperInvariant()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($current) { $sections[$current].Add($line) }
    }
    if (-not $name) { $name = $frontMatter['title'] }
    if (-not $name) { throw "$($Path): no '# <Cmdlet>' heading and no title in the front matter." }
    if ($name -notmatch '^(\w+)-(\w+)$') { throw "$($Path): '$name' is not a Verb-Noun cmdlet name." }
    $verb, $noun = $Matches[1], $Matches[2]

    $section = { param($key) if ($sections.Contains($key)) { @($sections[$key]) } else { @() } }

    $synopsis = ConvertTo-Paragraphs (& $section 'SYNOPSIS')
    if (-not $synopsis) { throw "$($Path): the SYNOPSIS section is empty." }

    [pscustomobject]@{
        Name             = $name
        Verb             = $verb
        Noun             = $noun
        Path             = $Path
        ExternalHelpFile = $frontMatter['external help file']
        Synopsis         = $synopsis
        Description      = ConvertTo-Paragraphs (& $section 'DESCRIPTION')
        ParameterSets    = @(Read-SyntaxSets (& $section 'SYNTAX'))
        Parameters       = @(Read-Parameters (& $section 'PARAMETERS') -Path $Path)
        Examples         = @(Read-Examples (& $section 'EXAMPLES'))
        Inputs           = @(Read-TypeEntries (& $section 'INPUTS'))
        Outputs          = @(Read-TypeEntries (& $section 'OUTPUTS'))
        Notes            = ConvertTo-Paragraphs (& $section 'NOTES')
        Links            = @(Read-Links (& $section 'RELATED LINKS') -OnlineUri (@($frontMatter['online version'], $frontMatter['HelpUri']) | Where-Object { $_ } | Select-Object -First 1))
    }
}

# Splits lines under '### <heading>' into (Heading, Lines) pairs; lines before the first heading go under ''.
function Split-Subsections([string[]] $Lines) {
    $result = [System.Collections.Generic.List[object]]::new()
    $current = [pscustomobject]@{ Heading = ''; Lines = [System.Collections.Generic.List[string]]::new() }
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^### (.+)$') {
            $result.Add($current)
            $current = [pscustomobject]@{ Heading = $Matches[1].Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            continue
        }
        $current.Lines.Add($line)
    }
    $result.Add($current)
    $result | Where-Object { $_.Heading -or ($_.Lines -join '').Trim() }
}

# Text and fenced blocks, in order: @{ Kind = 'Text'|'Code'; Language; Text }.
function Split-Blocks([string[]] $Lines) {
    $blocks = [System.Collections.Generic.List[object]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    $language = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```\s*(\S*)\s*$') {
            $kind = if ($inFence) { 'Code' } else { 'Text' }
            $blocks.Add([pscustomobject]@{ Kind = $kind; Language = $language; Text = ($buffer -join "`n") })
            $buffer.Clear()
            $language = if ($inFence) { $null } else { $Matches[1] }
            $inFence = -not $inFence
            continue
        }
        $buffer.Add($line)
    }
    if ($inFence) { throw "A code fence (```) is not closed." }
    $blocks.Add([pscustomobject]@{ Kind = 'Text'; Language = $null; Text = ($buffer -join "`n") })
    $blocks | Where-Object { $_.Kind -eq 'Code' -or $_.Text.Trim() }
}

# Markdown prose to paragraphs: blank lines separate paragraphs, list items stay separate, emphasis marks go.
function ConvertTo-Paragraphs([string[]] $Lines) {
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($current.Count) { $paragraphs.Add(($current -join ' ')); $current.Clear() }
    }
    foreach ($block in (Split-Blocks $Lines)) {
        if ($block.Kind -eq 'Code') {
            & $flush
            $paragraphs.Add($block.Text)
            continue
        }
        foreach ($line in $block.Text -split "`n") {
            $trimmed = $line.Trim()
            if (-not $trimmed) { & $flush; continue }
            if ($trimmed -match '^([-*+]|\d+\.)\s+') { & $flush }
            $current.Add((Remove-MarkdownEmphasis $trimmed))
        }
        & $flush
    }
    , $paragraphs.ToArray()
}

function Remove-MarkdownEmphasis([string] $Text) {
    $Text = $Text -replace '\*\*(.+?)\*\*', '$1' -replace '(?<!\w)__(.+?)__(?!\w)', '$1'
    # [text](uri) reads better as 'text (uri)' in a console.
    $Text -replace '\[([^\]]+)\]\(([^)]+)\)', '$1 ($2)'
}

function Read-SyntaxSets([string[]] $Lines) {
    foreach ($sub in (Split-Subsections $Lines)) {
        if (-not $sub.Heading) { continue }
        $setName = $sub.Heading -replace '\s*\(Default\)\s*$', ''
        [pscustomobject]@{ Name = $setName; IsDefault = $sub.Heading -match '\(Default\)\s*$' }
    }
}

function Read-Parameters([string[]] $Lines, [string] $Path) {
    foreach ($sub in (Split-Subsections $Lines)) {
        if ($sub.Heading -notmatch '^-(\w+)$') { continue }   # '### CommonParameters' is generated by Get-Help itself
        $name = $Matches[1]
        $blocks = @(Split-Blocks $sub.Lines)
        $yaml = @($blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' })
        if ($yaml.Count -ne 1) { throw "$($Path): parameter -$name needs exactly one ```yaml block." }
        $fields = @{}
        foreach ($line in $yaml[0].Text -split "`n") {
            if ($line -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $fields[$Matches[1]] = $Matches[2] }
        }
        $descriptionLines = @($blocks | Where-Object { $_ -ne $yaml[0] } | ForEach-Object { $_.Text })
        $get = { param($key, $default) if ($fields.ContainsKey($key) -and $fields[$key] -ne '') { $fields[$key] } else { $default } }
        # Built as typed arrays before the object so that an empty list stays an empty array, not $null.
        [string[]] $aliases = @((& $get 'Aliases' '') -split '\s*,\s*' | Where-Object { $_ -and $_ -notin 'None', 'none' })
        [string[]] $accepted = @((& $get 'Accepted values' '') -split '\s*,\s*' | Where-Object { $_ })
        [string[]] $sets = @((& $get 'Parameter Sets' '(All)') -split '\s*,\s*' | Where-Object { $_ })
        [pscustomobject]@{
            Name           = $name
            Description    = ConvertTo-Paragraphs ($descriptionLines -join "`n`n" -split "`n")
            Type           = & $get 'Type' 'System.Object'
            ParameterSets  = $sets
            Aliases        = $aliases
            AcceptedValues = $accepted
            Required       = (& $get 'Required' 'False') -match '^(True|true)$'
            Position       = & $get 'Position' 'Named'
            DefaultValue   = & $get 'Default value' 'None'
            PipelineInput  = & $get 'Accept pipeline input' 'False'
            Globbing       = (& $get 'Accept wildcard characters' 'False') -match '^(True|true)$'
        }
    }
}

function Read-Examples([string[]] $Lines) {
    foreach ($sub in (Split-Subsections $Lines)) {
        if (-not $sub.Heading) { continue }
        $blocks = @(Split-Blocks $sub.Lines)
        $code = @($blocks | Where-Object Kind -EQ 'Code')
        $remarks = @($blocks | Where-Object Kind -EQ 'Text' | ForEach-Object { $_.Text })
        [pscustomobject]@{
            Title   = $sub.Heading
            Code    = ($code.Text -join "`n`n").Trim()
            Remarks = ConvertTo-Paragraphs ($remarks -join "`n`n" -split "`n")
        }
    }
}

function Read-TypeEntries([string[]] $Lines) {
    foreach ($sub in (Split-Subsections $Lines)) {
        if (-not $sub.Heading) { continue }
        [pscustomobject]@{ Type = $sub.Heading; Description = ConvertTo-Paragraphs $sub.Lines }
    }
}

function Read-Links([string[]] $Lines, [string] $OnlineUri) {
    if ($OnlineUri) { [pscustomobject]@{ Text = 'Online Version:'; Uri = $OnlineUri } }
    foreach ($line in $Lines) {
        if ($line -match '\[([^\]]+)\]\(([^)]*)\)') {
            $text, $uri = $Matches[1], $Matches[2]
            # Links to sibling markdown files are help topics by name, not addresses.
            if ($uri.EndsWith('.md')) { $uri = '' }
            [pscustomobject]@{ Text = $text; Uri = $uri }
        }
        elseif ($line.Trim() -match '^[-*]?\s*(\S.*)$') {
            [pscustomobject]@{ Text = $Matches[1]; Uri = '' }
        }
    }
}

# --- MAML writing -----------------------------------------------------------------------------------------------

function New-MamlDocument([object[]] $Commands) {
    $doc = [System.Xml.XmlDocument]::new()
    $doc.AppendChild($doc.CreateXmlDeclaration('1.0', 'utf-8', $null)) | Out-Null
    $root = $doc.CreateElement('helpItems', 'http://msh')
    $root.SetAttribute('schema', 'maml')
    $doc.AppendChild($root) | Out-Null
    foreach ($command in $Commands) { Add-MamlCommand -Parent $root -Command $command }
    $doc
}

function Add-Element([System.Xml.XmlNode] $Parent, [string] $QualifiedName, [object] $Text = $null, [hashtable] $Attributes = @{}) {
    $prefix, $local = $QualifiedName -split ':', 2
    $doc = if ($Parent -is [System.Xml.XmlDocument]) { $Parent } else { $Parent.OwnerDocument }
    $element = $doc.CreateElement($prefix, $local, $script:MamlNamespaces[$prefix])
    foreach ($key in ($Attributes.Keys | Sort-Object)) { $element.SetAttribute($key, [string]$Attributes[$key]) }
    # XmlDocument escapes text and attribute values itself.
    if ($null -ne $Text) { $element.InnerText = [string]$Text }
    $Parent.AppendChild($element) | Out-Null
    $element
}

function Add-Paragraphs([System.Xml.XmlNode] $Parent, [string] $QualifiedName, [string[]] $Paragraphs) {
    $container = Add-Element $Parent $QualifiedName
    foreach ($paragraph in @($Paragraphs | Where-Object { $_ })) { Add-Element $container 'maml:para' $paragraph | Out-Null }
    $container
}

function Add-MamlCommand([System.Xml.XmlNode] $Parent, [object] $Command) {
    $node = Add-Element $Parent 'command:command'
    foreach ($prefix in $script:MamlNamespaces.Keys) { $node.SetAttribute("xmlns:$prefix", $script:MamlNamespaces[$prefix]) }

    $details = Add-Element $node 'command:details'
    Add-Element $details 'command:name' $Command.Name | Out-Null
    Add-Element $details 'command:verb' $Command.Verb | Out-Null
    Add-Element $details 'command:noun' $Command.Noun | Out-Null
    Add-Paragraphs $details 'maml:description' $Command.Synopsis | Out-Null

    Add-Paragraphs $node 'maml:description' $Command.Description | Out-Null

    $syntax = Add-Element $node 'command:syntax'
    $setNames = @($Command.ParameterSets | ForEach-Object Name)
    if ($setNames.Count -eq 0) { $setNames = @('__AllParameterSets') }
    foreach ($setName in $setNames) {
        $item = Add-Element $syntax 'command:syntaxItem'
        Add-Element $item 'maml:name' $Command.Name | Out-Null
        $inSet = @($Command.Parameters | Where-Object {
                $setNames.Count -eq 1 -or $_.ParameterSets -contains '(All)' -or $_.ParameterSets -contains $setName
            })
        # Positional parameters first, in position order, as PowerShell's own syntax lines show them.
        $ordered = $inSet | Sort-Object @{ Expression = { if ($_.Position -match '^\d+$') { [int]$_.Position } else { [int]::MaxValue } } }, @{ Expression = { -not $_.Required } }
        foreach ($parameter in $ordered) { Add-MamlParameter -Parent $item -Parameter $parameter -InSyntax }
    }

    $parameters = Add-Element $node 'command:parameters'
    foreach ($parameter in $Command.Parameters) { Add-MamlParameter -Parent $parameters -Parameter $parameter }

    $inputTypes = Add-Element $node 'command:inputTypes'
    foreach ($entry in $Command.Inputs) {
        $inputNode = Add-Element $inputTypes 'command:inputType'
        $type = Add-Element $inputNode 'dev:type'
        Add-Element $type 'maml:name' $entry.Type | Out-Null
        Add-Paragraphs $inputNode 'maml:description' $entry.Description | Out-Null
    }

    $returnValues = Add-Element $node 'command:returnValues'
    foreach ($entry in $Command.Outputs) {
        $output = Add-Element $returnValues 'command:returnValue'
        $type = Add-Element $output 'dev:type'
        Add-Element $type 'maml:name' $entry.Type | Out-Null
        Add-Paragraphs $output 'maml:description' $entry.Description | Out-Null
    }

    if ($Command.Notes) {
        $alertSet = Add-Element $node 'maml:alertSet'
        Add-Paragraphs $alertSet 'maml:alert' $Command.Notes | Out-Null
    }

    $examples = Add-Element $node 'command:examples'
    foreach ($example in $Command.Examples) {
        $exampleNode = Add-Element $examples 'command:example'
        Add-Element $exampleNode 'maml:title' "--------- $($example.Title) ---------" | Out-Null
        Add-Element $exampleNode 'dev:code' $example.Code | Out-Null
        Add-Paragraphs $exampleNode 'dev:remarks' $example.Remarks | Out-Null
    }

    $links = Add-Element $node 'maml:relatedLinks'
    foreach ($link in $Command.Links) {
        $navigation = Add-Element $links 'maml:navigationLink'
        Add-Element $navigation 'maml:linkText' $link.Text | Out-Null
        Add-Element $navigation 'maml:uri' $link.Uri | Out-Null
    }
}

function Add-MamlParameter([System.Xml.XmlNode] $Parent, [object] $Parameter, [switch] $InSyntax) {
    $isSwitch = $Parameter.Type -match '(^|\.)SwitchParameter$'
    $attributes = @{
        required       = $Parameter.Required.ToString().ToLowerInvariant()
        variableLength = ($Parameter.Type -match '\[\]$').ToString().ToLowerInvariant()
        globbing       = $Parameter.Globbing.ToString().ToLowerInvariant()
        pipelineInput  = $Parameter.PipelineInput
        position       = if ($Parameter.Position -match '^\d+$') { $Parameter.Position } else { 'named' }
        aliases        = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    }
    $node = Add-Element $Parent 'command:parameter' -Attributes $attributes
    Add-Element $node 'maml:name' $Parameter.Name | Out-Null
    Add-Paragraphs $node 'maml:description' $Parameter.Description | Out-Null
    $shortType = ($Parameter.Type -split '\.')[-1]
    if ($Parameter.AcceptedValues.Count) {
        $group = Add-Element $node 'command:parameterValueGroup'
        foreach ($value in $Parameter.AcceptedValues) {
            Add-Element $group 'command:parameterValue' $value -Attributes @{ required = 'false'; variableLength = 'false' } | Out-Null
        }
    }
    if ((-not $isSwitch) -and -not ($InSyntax -and $Parameter.AcceptedValues.Count)) {
        # In the syntax the value group alone reads {A | B}; in the parameter list the type names the value.
        Add-Element $node 'command:parameterValue' $shortType -Attributes @{ required = 'true'; variableLength = $attributes.variableLength } | Out-Null
    }
    elseif (-not $InSyntax) {
        # A switch takes no value: the syntax line shows [-Name], the parameter list says it is a switch.
        Add-Element $node 'command:parameterValue' $shortType -Attributes @{ required = 'false'; variableLength = 'false' } | Out-Null
    }
    if (-not $InSyntax) {
        $type = Add-Element $node 'dev:type'
        Add-Element $type 'maml:name' $Parameter.Type | Out-Null
        Add-Element $type 'maml:uri' | Out-Null
        Add-Element $node 'dev:defaultValue' $Parameter.DefaultValue | Out-Null
    }
}
