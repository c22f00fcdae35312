#requires -Modules Pester
# What build.ps1's Bootstrap asks the machine (no lab needed): which Debian packages are missing and which of the lab's
# programs cannot be found. A missing package used to look installed (an empty native result compared with -notmatch
# is an empty array, which is false), so a fresh machine installed nothing.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../.config/build-tools/Prerequisites.psm1') -Force
}
BeforeDiscovery {
    $script:HasDpkg = [bool](Get-Command dpkg-query -CommandType Application -ErrorAction Ignore)
}

Describe 'Debian package detection' {
    It 'says a package that is not installed is missing' {
        Test-DebianPackageInstalled -Name 'vmmigration-no-such-package' | Should -BeFalse
        Get-MissingDebianPackage -Name 'vmmigration-no-such-package' | Should -Be 'vmmigration-no-such-package'
    }

    It 'says a package that is installed is present' -Skip:(-not $HasDpkg) {
        # dpkg is installed on every Debian machine: it is what answers the question.
        Test-DebianPackageInstalled -Name 'dpkg' | Should -BeTrue
        @(Get-MissingDebianPackage -Name 'dpkg', 'vmmigration-no-such-package') | Should -Be @('vmmigration-no-such-package')
    }

    It 'names every package the lab needs, the daemon, QEMU and the guest''s compiler among them' {
        $packages = @(Get-LabPackageName)
        foreach ($package in 'qemu-system-x86', 'qemu-utils', 'libvirt-daemon', 'libvirt-daemon-driver-qemu', 'libvirt-clients', 'libvirt0', 'gcc', 'binutils') {
            $packages | Should -Contain $package
        }
    }
}

Describe 'One list of the lab''s packages' {
    It 'is the list the engine shipped in the module names when a program is missing' {
        if (-not $env:VMMIGRATION_MODULE) { throw 'Set VMMIGRATION_MODULE to the built VmMigration.psd1.' }
        Import-Module $env:VMMIGRATION_MODULE -Force
        # LabPackages is internal to the engine: read through reflection, as it is in the built assembly.
        $engineList = [VmMigration.Lab.LabDefaults].Assembly.GetType('VmMigration.Lab.LabPackages', $true).GetProperty('All').GetValue($null)
        $engine = @($engineList | ForEach-Object { "$($_.Name): $($_.Programs -join ' ') ($($_.NeededBy))" })

        $build = @(Get-LabPackage | ForEach-Object { "$($_.Name): $($_.Programs -join ' ') ($($_.NeededBy))" })

        $build.Count | Should -BeGreaterThan 0
        $engine | Should -Be $build
    }

    It 'is the list the README gives' {
        $readme = Get-Content (Join-Path $PSScriptRoot '../../README.md') -Raw
        foreach ($package in Get-LabPackageName) { $readme | Should -Match ([regex]::Escape("``$package``")) }
    }
}

Describe 'Programs the lab runs' {
    It 'names a program that cannot be found and the package that brings it' {
        Mock -ModuleName Prerequisites Find-LabProgram { $null } -ParameterFilter { $Name -eq 'virsh' }
        Mock -ModuleName Prerequisites Find-LabProgram { "/usr/bin/$Name" } -ParameterFilter { $Name -ne 'virsh' }

        $missing = @(Get-MissingLabProgram)
        $missing.Count | Should -Be 1
        $missing[0].Program | Should -Be 'virsh'
        $missing[0].Package | Should -Be 'libvirt-clients'
    }

    It 'gives the reason the lab cannot run, naming what is missing' -Skip:(-not $IsLinux -or (& id -u) -ne '0') {
        Mock -ModuleName Prerequisites Find-LabProgram { $null } -ParameterFilter { $Name -in 'libvirtd', 'qemu-img' }
        Mock -ModuleName Prerequisites Find-LabProgram { "/usr/bin/$Name" } -ParameterFilter { $Name -notin 'libvirtd', 'qemu-img' }

        $reason = Get-LabUnavailableReason
        $reason | Should -Match 'libvirtd \(package libvirt-daemon\)'
        $reason | Should -Match 'qemu-img \(package qemu-utils\)'
    }

    It 'has no reason when everything is there' -Skip:(-not $IsLinux -or (& id -u) -ne '0') {
        Mock -ModuleName Prerequisites Find-LabProgram { "/usr/bin/$Name" }
        Get-LabUnavailableReason | Should -BeNullOrEmpty
    }

    It 'finds a program that exists and not one that does not' {
        Find-LabProgram -Name 'sh' | Should -Not -BeNullOrEmpty
        Find-LabProgram -Name 'vmmigration-no-such-program' | Should -BeNullOrEmpty
    }
}
