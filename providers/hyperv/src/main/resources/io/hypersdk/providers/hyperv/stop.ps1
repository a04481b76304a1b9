# Shuts the VM down through the guest's shutdown service, then turns it off after $p.timeoutSeconds.
$vm = Find-HyperVVm $p.name
$hard = $false
if ($vm.State.ToString() -ne 'Off') {
  $job = Stop-VM -VM $vm -Force -AsJob
  $deadline = (Get-Date).AddSeconds([int]$p.timeoutSeconds)
  while ((Get-VM -Id $vm.Id).State.ToString() -ne 'Off' -and (Get-Date) -lt $deadline) { Start-Sleep -Seconds 2 }
  if ((Get-VM -Id $vm.Id).State.ToString() -ne 'Off') {
    Stop-VM -VM $vm -TurnOff -Force
    $hard = $true
  }
  Remove-Job -Job $job -Force
}
Out-Result ([ordered]@{ State = (Get-VM -Id $vm.Id).State.ToString(); TurnedOff = $hard })
