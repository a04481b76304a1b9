# Merges the differencing chain ending in $p.path into the new dynamic VHDX $p.destination (the chain is read only).
if ((Split-Path -Leaf $p.destination) -notmatch '^hypersdk-merge-[0-9a-f-]{36}\.vhdx$') { Fail 'Refused' 'the merge target must be a hypersdk-merge-GUID.vhdx file' }
Convert-VHD -Path $p.path -DestinationPath $p.destination -VHDType Dynamic
$v = Get-VHD -Path $p.destination
Out-Result ([ordered]@{ Path = $v.Path; VhdType = $v.VhdType.ToString(); Size = $v.Size; FileSize = $v.FileSize })
