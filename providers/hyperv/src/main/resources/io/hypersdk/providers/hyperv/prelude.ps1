# Shared start of every script. The script text is fixed; the one value it needs arrives on stdin as base64 of a
# JSON object ($p), so no name is ever part of the text PowerShell parses.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
$p = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Console]::In.ReadLine())) | ConvertFrom-Json
function Out-Result($value) { [Console]::Out.Write((ConvertTo-Json -InputObject $value -Depth 6 -Compress)) }
function Fail($kind, $message) { Out-Result ([ordered]@{ error = $kind; message = $message; command = '' }); exit 3 }
trap {
  $kind = 'Failed'
  if ($_.Exception -is [System.Management.Automation.CommandNotFoundException]) { $kind = 'NoHyperV' }
  elseif ($_.CategoryInfo.Category.ToString() -eq 'PermissionDenied' -or $_.Exception -is [System.UnauthorizedAccessException]) { $kind = 'AccessDenied' }
  $cmd = ''
  if ($_.InvocationInfo.MyCommand) { $cmd = $_.InvocationInfo.MyCommand.Name }
  Out-Result ([ordered]@{ error = $kind; message = $_.Exception.Message; command = $cmd })
  exit 1
}
function Find-HyperVVm($name) {
  $vms = @(Get-VM | Where-Object { $_.Name -eq $name -or $_.Id.ToString() -eq $name })
  if ($vms.Count -eq 0) { Fail 'NotFound' ("no VM named '" + $name + "' on " + $env:COMPUTERNAME) }
  if ($vms.Count -gt 1) { Fail 'Ambiguous' ("" + $vms.Count + " VMs are named '" + $name + "' on " + $env:COMPUTERNAME + ": use the VM's Id") }
  $vms[0]
}
