# Deletes a merged VHDX this provider made; any other file is refused.
if ((Split-Path -Leaf $p.path) -notmatch '^hypersdk-merge-[0-9a-f-]{36}\.vhdx$') { Fail 'Refused' 'only hypersdk-merge-GUID.vhdx files are removed' }
Remove-Item -LiteralPath $p.path -Force -ErrorAction SilentlyContinue
Out-Result ([ordered]@{ Path = $p.path; Removed = -not (Test-Path -LiteralPath $p.path) })
