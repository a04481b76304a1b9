// This file is added by HyperSDK's tests to a copy of govmomi's simulator package (Debian's 0.24 has no
// ExportVm). It is not part of govmomi.

package simulator

import (
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
