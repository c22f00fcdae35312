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
        /// <summary>Set when the move passed the cost-benefit check.</summary>
        public MoveWorth? Worth { get; set; }
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
        /// <summary>Balance left the VM where it is: a balance run moved it less than the cooldown ago.</summary>
        public const string CoolingDown = "CoolingDown";
        /// <summary>Balance refused the move: its gain, held for the cooldown, does not pay for its cost by -MinImprovement.</summary>
        public const string GainDoesNotPay = "GainDoesNotPay";
    }
}
