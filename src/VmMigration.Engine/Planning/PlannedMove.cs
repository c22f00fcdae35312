namespace VmMigration.Planning
{
    /// <summary>A unit's move as a goal decided it, in the order the goal applied it to the ledger.</summary>
    internal sealed class PlannedMove
    {
        public PlannedMove(int unit, int from, int to, string code, string text)
        {
            Unit = unit;
            From = from;
            To = to;
            Code = code;
            Text = text;
        }

        public int Unit { get; }
        public int From { get; }
        public int To { get; }
        public string Code { get; }
        public string Text { get; }
    }

    /// <summary>Codes of step reasons and of unplaced VMs that are not errors. Stable: scripts match on them.</summary>
    public static class PlanReasonCodes
    {
        public const string Balance = "Balance";
        public const string Evacuate = "Evacuate";
        public const string Consolidate = "Consolidate";
        /// <summary>An Evacuate step that moves a VM of a remaining host so that an evacuated VM fits; its text names which.</summary>
        public const string MakeRoom = "MakeRoom";
        /// <summary>The VM would have been moved but the plan reached MaxMoves.</summary>
        public const string MaxMovesReached = "MaxMovesReached";
    }
}
