# Every VM of the host, enums as strings (Windows PowerShell 5.1's ConvertTo-Json writes them as numbers).
$out = @(Get-VM | ForEach-Object {
  [ordered]@{ Name = $_.Name; Id = $_.Id.ToString(); State = $_.State.ToString(); ProcessorCount = $_.ProcessorCount;
    MemoryStartup = $_.MemoryStartup; Generation = $_.Generation; Disks = @(Get-VMHardDiskDrive -VM $_).Count }
})
Out-Result $out
