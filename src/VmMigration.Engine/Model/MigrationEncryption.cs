namespace VmMigration
{
    /// <summary>Whether a move's memory and disk streams cross the network encrypted (TLS between the two hypervisors).</summary>
    public enum MigrationEncryption
    {
        /// <summary>TLS when both hosts are set up for it; otherwise in the clear, and the result says so.</summary>
        Auto,
        /// <summary>TLS or no move: a pair that cannot encrypt is refused before the VM leaves its source.</summary>
        Required,
        /// <summary>In the clear, as asked.</summary>
        None,
    }
}
