using System;
using System.IO;
using System.Linq;
using VmMigration.Session;
using Xunit;

namespace VmMigration.Commands.Tests.Secrets
{
    /// <summary>
    /// Issue 17: no secret in any output. A session whose hosts are reached with passwords (in the URI's user part, in a
    /// secret query parameter, in -Credential) runs what a runbook runs, failures included, and everything it produced is
    /// rendered the ways a script logs it: every object with all its properties, every error record with its target and
    /// exceptions, every warning, verbose and progress line, every file written. No password may appear in any of it.
    /// </summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class NoSecretInAnyOutputTests : IDisposable
    {
        private const string UriPassword = "UriPw-q7Zx3";
        private const string UriToken = "UriTok-m4Kp9";
        private const string CredentialPassword = "CredPw-w2Vb8";

        // The runbook names the secrets by variable: what the cmdlets make of them is under test, not PowerShell's own record
        // of the command line as typed (InvocationInfo.Line, history), which a URI typed with its password is in.
        private const string Setup = @"
$cred = [pscredential]::new('ops', (ConvertTo-SecureString $credentialPassword -AsPlainText -Force))
$ghost = ""fake://ops:$uriPassword@ghost/system""
$host1 = ""fake://ops:$uriPassword@host1/system?token=$uriToken""
$host2 = ""fake://ops:$uriPassword@host2/system""
$tcp = ""qemu+tcp://ops:$uriPassword@127.0.0.1:1/system?token=$uriToken""
$hyperv = ""hyperv://ops:$uriPassword@hv01/""
$unknown = ""vmware://ops:$uriPassword@esx01/""
";

        // Everything a runbook does with connected hosts, failures included, with every stream but progress merged into output.
        private const string Runbook = @"
$VerbosePreference = 'Continue'
$Error.Clear()
$everything = @(& {
    Connect-MigrationHost -Uri $ghost -Credential $cred
    Connect-MigrationHost -Uri $tcp -Credential $cred -TimeoutSec 1
    Connect-MigrationHost -Uri $hyperv
    Connect-MigrationHost -Uri $unknown
    Connect-MigrationHost -Uri $host1, $host2 -Credential $cred
    Connect-MigrationHost -Uri ($host2 + '&other') -Name host1 -Credential $cred
    Get-MigrationHost
    Get-MigrationHost | Connect-MigrationHost
    Get-MigrationVM
    $plan = Get-MigrationPlan -Goal Evacuate -HostName host1
    $plan
    $plan | Export-MigrationPlan -Path (Join-Path $dir 'plan.json')
    Export-MigrationInventory -Path (Join-Path $dir 'inventory.json')
    Test-VMMigration -VM web1 -Destination host2
    Move-VMLive -VM web1 -Destination host2
    Invoke-HostEvacuation -HostName host1 -JournalPath (Join-Path $dir 'journal.json') -Force
    Resume-MigrationHost -HostName host1
} *>&1)
$VerbosePreference = 'SilentlyContinue'
";

        private const string Rendering = @"
$records = @($Error)
$exceptions = @(foreach ($record in $records) { $e = $record.Exception; while ($e) { $e; $e = $e.InnerException } })
$lines = @($everything | Where-Object { $_ -is [System.Management.Automation.InformationalRecord] })
$objects = @($everything | Where-Object { $_ -isnot [System.Management.Automation.InformationalRecord] -and $_ -isnot [System.Management.Automation.ErrorRecord] })
@(
    $objects | Out-String -Width 4096
    $objects | Format-List * -Force | Out-String -Width 4096
    $objects | ConvertTo-Json -Depth 8 -WarningAction Ignore
    $lines | ForEach-Object { $_.GetType().Name + ': ' + $_.Message }
    $records | Out-String -Width 4096
    $records | Format-List * -Force | Out-String -Width 4096
    $records | ForEach-Object { $_.ToString(); $_.CategoryInfo.ToString(); ConvertTo-Json -InputObject $_.TargetObject -Depth 8 }
    # Whole records only to depth 4: deeper, their InvocationInfo and reflection types run to hundreds of megabytes.
    $records | ConvertTo-Json -Depth 4 -WarningAction Ignore
    $exceptions | Format-List * -Force | Out-String -Width 4096
    $exceptions | ForEach-Object { $_.ToString() }
    $exceptions | Select-Object * -ExcludeProperty TargetSite, InnerException | ConvertTo-Json -Depth 4 -WarningAction Ignore
    Get-ChildItem -LiteralPath $dir -Recurse -File | ForEach-Object { $_.Name; Get-Content -LiteralPath $_.FullName -Raw }
) -join [Environment]::NewLine
";

        private readonly FakeSession session = new FakeSession();
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-secrets-" + Guid.NewGuid().ToString("N"));

        public NoSecretInAnyOutputTests()
        {
            Directory.CreateDirectory(directory);
            var host1 = session.Cluster.AddHost($"fake://ops:{UriPassword}@host1/system?token={UriToken}", "host1");
            host1.AddGuest("web1");
            host1.AddGuest("web2");
            session.Cluster.AddHost($"fake://ops:{UriPassword}@host2/system", "host2");
            session.Cluster.AddHost($"fake://ops:{UriPassword}@host2/system&other", "host2");
            session.Run($"$uriPassword = '{UriPassword}'; $uriToken = '{UriToken}'; $credentialPassword = '{CredentialPassword}'; $dir = '{directory}'");
            session.Run(Setup);
        }

        public void Dispose()
        {
            session.Dispose();
            Directory.Delete(directory, recursive: true);
        }

        [Fact]
        public void Neither_a_uri_password_nor_a_credential_password_appears_in_anything_a_runbook_produces()
        {
            var progress = session.Run(Runbook).Progress;
            var rendered = string.Join(Environment.NewLine, session.Run(Rendering).Output.Select(o => o.ToString()))
                + string.Join(Environment.NewLine, progress.Select(p => $"{p.Activity} {p.StatusDescription} {p.CurrentOperation}"));

            AssertTheRunbookRan(progress.Count);
            Assert.DoesNotContain(UriPassword, rendered);
            Assert.DoesNotContain(UriToken, rendered);
            Assert.DoesNotContain(CredentialPassword, rendered);
            // The URIs are shown, only without their secrets.
            Assert.Contains("fake://ops:***@host1/system?token=***", rendered);
            Assert.Contains("fake://ops:***@ghost/system", rendered);
        }

        /// <summary>Against a test that passes because nothing ran: each step produced what it should.</summary>
        private void AssertTheRunbookRan(int progressRecords)
        {
            string Count(string filter) => session.Run($"@($everything | Where-Object {{ {filter} }}).Count").Output.Single().ToString();
            var errorIds = session.Run("$Error | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }").Output.Select(o => o.ToString()).ToList();
            Assert.All(new[] { "HostUnreachable", "UnknownUriScheme", "HypervisorProviderUnavailable", "HostAlreadyConnected" }, id => Assert.Contains(id, errorIds));
            Assert.Equal("2", Count("$_ -is [VmMigration.MigrationResult] -and $_.Status -eq 'Succeeded'"));
            Assert.Equal("1", Count("$_ -is [VmMigration.EvacuationSummary]"));
            Assert.NotEqual("0", Count("$_ -is [System.Management.Automation.VerboseRecord]"));
            Assert.NotEqual("0", Count("$_ -is [System.Management.Automation.WarningRecord]"));
            // A finished evacuation's journal is kept as journal.json.<time>.done.
            Assert.Equal(new[] { "inventory.json", "journal.json", "plan.json" },
                Directory.GetFiles(directory).Select(f => Path.GetFileName(f).Split(new[] { ".json" }, StringSplitOptions.None)[0] + ".json").OrderBy(n => n, StringComparer.Ordinal));
            Assert.NotEqual(0, progressRecords);
            Assert.Equal(new[] { "host1", "host2" }, HostRegistry.Default.Hosts.Select(h => h.Name));
            // The secrets did reach the hosts: the fake is reached by the URI as written, and received the credential.
            Assert.Equal(CredentialPassword, session.Cluster.LastCredential?.Password);
        }
    }
}
