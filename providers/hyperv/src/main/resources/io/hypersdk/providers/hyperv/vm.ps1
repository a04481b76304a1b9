# One VM ($p.name, a name or an Id): firmware, disks with their whole VHD chain, network adapters.
$vm = Find-HyperVVm $p.name
$secure = $null
$template = $null
$boot = @()
if ($vm.Generation -eq 2) {
  $fw = Get-VMFirmware -VM $vm
  $secure = $fw.SecureBoot.ToString()
  $template = [string]$fw.SecureBootTemplate
  $boot = @($fw.BootOrder | Where-Object { $_.BootType.ToString() -eq 'Drive' -and $_.Device.Path } | ForEach-Object { $_.Device.Path })
}
$disks = @(Get-VMHardDiskDrive -VM $vm | ForEach-Object {
  $chain = @()
  $path = $_.Path
  while ($path) {
    $v = Get-VHD -Path $path
    $chain += [ordered]@{ Path = $v.Path; VhdFormat = $v.VhdFormat.ToString(); VhdType = $v.VhdType.ToString(); Size = $v.Size; FileSize = $v.FileSize; ParentPath = $v.ParentPath }
    $path = $v.ParentPath
  }
  [ordered]@{ ControllerType = $_.ControllerType.ToString(); ControllerNumber = $_.ControllerNumber; ControllerLocation = $_.ControllerLocation; Path = $_.Path; Chain = $chain }
})
$nics = @(Get-VMNetworkAdapter -VM $vm | ForEach-Object { [ordered]@{ Name = $_.Name; MacAddress = $_.MacAddress; SwitchName = $_.SwitchName } })
Out-Result ([ordered]@{ Name = $vm.Name; Id = $vm.Id.ToString(); State = $vm.State.ToString(); ProcessorCount = $vm.ProcessorCount;
  MemoryStartup = $vm.MemoryStartup; Generation = $vm.Generation; SecureBoot = $secure; SecureBootTemplate = $template;
  BootOrder = $boot; Disks = $disks; NetworkAdapters = $nics; ComputerName = $env:COMPUTERNAME })
