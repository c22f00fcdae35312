namespace VmMigration.Planning
{
    /// <summary>Reads and writes inventory snapshots, so a plan can be made offline and reviewed.</summary>
    public static class InventoryJson
    {
        public static ClusterInventory Parse(string json)
        {
            var inventory = PlanningJson.Deserialize<ClusterInventory>(json, PlanningErrorIds.InvalidInventory, "inventory snapshot");
            inventory.Validate();
            return inventory;
        }

        public static string Serialize(ClusterInventory inventory)
        {
            inventory.Validate();
            return PlanningJson.Serialize(inventory);
        }

        public static ClusterInventory Read(string path) => Parse(PlanningJson.ReadFile(path, PlanningErrorIds.InvalidInventory, "inventory snapshot"));

        public static void Write(string path, ClusterInventory inventory) => PlanningJson.WriteFile(path, Serialize(inventory));
    }
}
