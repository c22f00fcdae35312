namespace VmMigration.Lab
{
    /// <summary>Whether a lab guest's memory pattern is intact and still advancing, read through the hypervisor.</summary>
    public sealed class LabVMCheck
    {
        public string VMName { get; set; } = "";
        public string HostName { get; set; } = "";
        public bool Intact { get; set; }
        public bool Advancing { get; set; }
        public ulong Pass { get; set; }
        public ulong Heartbeat { get; set; }
        public int PagesChecked { get; set; }
        public int CorruptPages { get; set; }
        public int StalePages { get; set; }
        public string Message { get; set; } = "";
    }
}
