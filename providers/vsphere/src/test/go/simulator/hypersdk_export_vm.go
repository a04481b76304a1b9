// This file is added by HyperSDK's tests to a copy of govmomi's simulator package (Debian's 0.24 has no
// ExportVm and no OvfManager.CreateDescriptor). It is not part of govmomi.

package simulator

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// nfcExportPrefix is where export leases serve their disks. It lies under /nfc/ but is served by
// ServeNFCExport: the ServeNFC of govmomi 0.24 cannot answer a GET (it copies into a nil writer).
const nfcExportPrefix = "/nfc/export/"

// ServeNFCExport answers GET /nfc/export/<lease>/<file> with the disk file, with a Content-Length. When a
// file <disk>.fail-after holding a number N sits beside the disk, only N bytes are sent and the connection
// is then cut, so tests can break a download half-way. With a file <disk>.stall, half the disk is sent and
// the download then hangs until the client goes away, so tests can interrupt an export in progress.
func ServeNFCExport(w http.ResponseWriter, r *http.Request) {
	p := strings.Split(r.URL.Path, "/")
	id, name := p[len(p)-2], p[len(p)-1]
	l, ok := nfcLease.Load(types.ManagedObjectReference{Type: "HttpNfcLease", Value: id})
	if !ok {
		http.NotFound(w, r)
		return
	}
	file, ok := l.(*HttpNfcLease).files[name]
	if !ok || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		http.Error(w, "cannot read "+name, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Length", strconv.FormatInt(info.Size(), 10))
	if limit, err := os.ReadFile(file + ".fail-after"); err == nil {
		n, _ := strconv.ParseInt(strings.TrimSpace(string(limit)), 10, 64)
		w.WriteHeader(http.StatusOK)
		_, _ = io.CopyN(w, f, n)
		if flusher, ok := w.(http.Flusher); ok {
			flusher.Flush()
		}
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
		log.Printf("nfc export GET %s: cut after %d bytes", file, n)
		return
	}
	if _, err := os.Stat(file + ".stall"); err == nil {
		w.WriteHeader(http.StatusOK)
		_, _ = io.CopyN(w, f, info.Size()/2)
		if flusher, ok := w.(http.Flusher); ok {
			flusher.Flush()
		}
		log.Printf("nfc export GET %s: stalling", file)
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Minute):
		}
		log.Printf("nfc export GET %s: client gone", file)
		return
	}
	n, err := io.Copy(w, f)
	log.Printf("nfc export GET %s: %d bytes, error %v", file, n, err)
}

// ExportVm hands out an HttpNfcLease whose device URLs serve the VM's disk backing files under /nfc/,
// the same way ImportVApp does for uploads (served by ServeNFCExport). Like vCenter, a powered-on VM cannot be exported.
func (vm *VirtualMachine) ExportVm(ctx *Context, req *types.ExportVm) soap.HasFault {
	body := new(methods.ExportVmBody)

	if vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
		body.Fault_ = Fault("", &types.InvalidPowerState{
			RequestedState: types.VirtualMachinePowerStatePoweredOff,
			ExistingState:  vm.Runtime.PowerState,
		})
		return body
	}

	lease := NewHttpNfcLease(ctx, vm.Self)
	ref := lease.Reference()
	lease.Info.Lease = ref

	device := object.VirtualDeviceList(vm.Config.Hardware.Device)
	ndevice := make(map[string]int)
	var capacity int64
	for _, d := range device {
		disk, ok := d.(*types.VirtualDisk)
		if !ok {
			continue
		}
		info, ok := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo)
		if !ok {
			continue
		}
		var file object.DatastorePath
		file.FromString(info.GetVirtualDeviceFileBackingInfo().FileName)
		name := path.Base(file.Path)
		ds := vm.findDatastore(file.Datastore)
		lease.files[name] = path.Join(ds.Info.GetDatastoreInfo().Url, file.Path)
		capacity += disk.CapacityInKB

		kind := device.Type(d)
		n := ndevice[kind]
		ndevice[kind]++

		lease.Info.DeviceUrl = append(lease.Info.DeviceUrl, types.HttpNfcLeaseDeviceUrl{
			Key:       fmt.Sprintf("/%s/%s:%d", vm.Self.Value, kind, n),
			ImportKey: fmt.Sprintf("/%s/%s:%d", vm.Name, kind, n),
			Url: (&url.URL{
				Scheme: "https",
				Host:   "*",
				Path:   nfcExportPrefix + path.Join(ref.Value, name),
			}).String(),
			Disk:     types.NewBool(true),
			TargetId: name,
		})
	}
	lease.Info.TotalDiskCapacityInKB = capacity

	body.Res = &types.ExportVmResponse{Returnval: ref}
	return body
}

// NoCreateDescriptor makes OvfManager.CreateDescriptor answer NotSupported, as a server without it would.
var NoCreateDescriptor = false

// CreateDescriptor writes an OVF descriptor for a VM whose disks were exported: one File per entry of
// cdp.ovfFiles (with the path and size the client gives), the disks' capacities, CPUs, memory, NICs and
// firmware. vCenter's descriptor carries much more; this is what an export needs.
func (m *OvfManager) CreateDescriptor(ctx *Context, req *types.CreateDescriptor) soap.HasFault {
	body := new(methods.CreateDescriptorBody)
	if NoCreateDescriptor {
		body.Fault_ = Fault("CreateDescriptor is not supported by this server", new(types.NotSupported))
		return body
	}
	vm, ok := ctx.Map.Get(req.Obj).(*VirtualMachine)
	if !ok {
		body.Fault_ = Fault("", &types.ManagedObjectNotFound{Obj: req.Obj})
		return body
	}
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	devices := object.VirtualDeviceList(vm.Config.Hardware.Device)
	disks := devices.SelectByType((*types.VirtualDisk)(nil))
	name := req.Cdp.Name
	if name == "" {
		name = vm.Name
	}

	var x strings.Builder
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.WriteString(`<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"` +
		` xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"` +
		` xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"` +
		` xmlns:vmw="http://www.vmware.com/schema/ovf">` + "\n")
	x.WriteString("  <References>\n")
	for i, f := range req.Cdp.OvfFiles {
		fmt.Fprintf(&x, "    <File ovf:href=\"%s\" ovf:id=\"file%d\" ovf:size=\"%d\"/>\n", esc(f.Path), i+1, f.Size)
	}
	x.WriteString("  </References>\n  <DiskSection>\n    <Info>Virtual disk information</Info>\n")
	for i, f := range req.Cdp.OvfFiles {
		var capacity int64
		if n := strings.LastIndex(f.DeviceId, ":"); n >= 0 {
			if k, err := strconv.Atoi(f.DeviceId[n+1:]); err == nil && k < len(disks) {
				capacity = disks[k].(*types.VirtualDisk).CapacityInKB * 1024
			}
		}
		fmt.Fprintf(&x, "    <Disk ovf:capacity=\"%d\" ovf:capacityAllocationUnits=\"byte\" ovf:diskId=\"vmdisk%d\""+
			" ovf:fileRef=\"file%d\" ovf:format=\"http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized\"/>\n",
			capacity, i+1, i+1)
	}
	x.WriteString("  </DiskSection>\n")
	fmt.Fprintf(&x, "  <VirtualSystem ovf:id=\"%s\">\n    <Info>A virtual machine</Info>\n    <Name>%s</Name>\n", esc(name), esc(name))
	fmt.Fprintf(&x, "    <OperatingSystemSection ovf:id=\"1\" vmw:osType=\"%s\">\n      <Info>The operating system installed</Info>\n"+
		"      <Description>%s</Description>\n    </OperatingSystemSection>\n", esc(vm.Config.GuestId), esc(vm.Config.GuestFullName))
	x.WriteString("    <VirtualHardwareSection>\n      <Info>Virtual hardware requirements</Info>\n")
	fmt.Fprintf(&x, "      <System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID>"+
		"<vssd:VirtualSystemIdentifier>%s</vssd:VirtualSystemIdentifier><vssd:VirtualSystemType>%s</vssd:VirtualSystemType></System>\n",
		esc(name), esc(vm.Config.Version))
	fmt.Fprintf(&x, "      <Item><rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits><rasd:ElementName>%d virtual CPU(s)</rasd:ElementName>"+
		"<rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>%d</rasd:VirtualQuantity></Item>\n",
		vm.Config.Hardware.NumCPU, vm.Config.Hardware.NumCPU)
	fmt.Fprintf(&x, "      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>%dMB of memory</rasd:ElementName>"+
		"<rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>%d</rasd:VirtualQuantity></Item>\n",
		vm.Config.Hardware.MemoryMB, vm.Config.Hardware.MemoryMB)
	x.WriteString("      <Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID>" +
		"<rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>\n")
	for i := range req.Cdp.OvfFiles {
		fmt.Fprintf(&x, "      <Item><rasd:AddressOnParent>%d</rasd:AddressOnParent><rasd:ElementName>Hard disk %d</rasd:ElementName>"+
			"<rasd:HostResource>ovf:/disk/vmdisk%d</rasd:HostResource><rasd:InstanceID>%d</rasd:InstanceID><rasd:Parent>3</rasd:Parent>"+
			"<rasd:ResourceType>17</rasd:ResourceType></Item>\n", i, i+1, i+1, 10+i)
	}
	for i, d := range devices.SelectByType((*types.VirtualEthernetCard)(nil)) {
		card := d.(types.BaseVirtualEthernetCard).GetVirtualEthernetCard()
		fmt.Fprintf(&x, "      <Item><rasd:Address>%s</rasd:Address><rasd:ElementName>Network adapter %d</rasd:ElementName>"+
			"<rasd:InstanceID>%d</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType></Item>\n", esc(card.MacAddress), i+1, 100+i)
	}
	fmt.Fprintf(&x, "      <vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" vmw:value=\"%s\"/>\n", esc(vm.Config.Firmware))
	x.WriteString("    </VirtualHardwareSection>\n  </VirtualSystem>\n</Envelope>\n")

	body.Res = &types.CreateDescriptorResponse{
		Returnval: types.OvfCreateDescriptorResult{OvfDescriptor: x.String(), IncludeImageFiles: types.NewBool(false)},
	}
	return body
}
