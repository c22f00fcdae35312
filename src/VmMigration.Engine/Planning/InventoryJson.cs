using VmMigration.Errors;
namespace VmMigration.Planning
{
    /// <summary>Reads and writes inventory snapshots, so a plan can be made offline and reviewed.</summary>
    public static class InventoryJson
    {
        private const string What = "inventory snapshot";

        public static ClusterInventory Parse(string json) => PlanningJson.Parse<ClusterInventory>(json, ErrorIds.InvalidInventory, What, inventory => inventory.Validate());

        public static string Serialize(ClusterInventory inventory)
        {
            inventory.Validate();
            return PlanningJson.Serialize(inventory);
        }

        public static ClusterInventory Read(string path) => PlanningJson.Read<ClusterInventory>(path, ErrorIds.InvalidInventory, What, inventory => inventory.Validate());

        public static void Write(string path, ClusterInventory inventory) => PlanningJson.WriteFile(path, Serialize(inventory));
    }
}
