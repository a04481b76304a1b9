// A vCenter simulator for HyperSDK's tests: govmomi's VPX model on a loopback address, with a few test
// fixtures applied, described as one JSON line on stdout. It stops when its stdin closes, so it never
// outlives the test JVM that started it.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

type vmFacts struct {
	Path  string   `json:"path"`
	Disks []string `json:"disks"`
}

type description struct {
	URL string    `json:"url"`
	VMs []vmFacts `json:"vms"`
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	useTLS := flag.Bool("tls", false, "serve https with a self-signed certificate")
	trace := flag.String("trace", "", "write the SOAP traffic to this file")
	efi := flag.String("efi", "", "inventory path of a VM whose firmware becomes efi")
	guest := flag.String("guest", "", "PATH=ID: the guest id of the VM at PATH becomes ID (e.g. rhel7_64Guest; the simulator knows the ids of govmomi 0.24)")
	duplicate := flag.String("duplicate", "", "inventory path of a VM cloned, under the same name, into vm/dup")
	diskMiB := flag.Int64("disk-mib", 0, "grow every VM's disks to this many MiB")
	noDescriptor := flag.Bool("no-create-descriptor", false, "OvfManager.CreateDescriptor answers NotSupported")
	secondDisk := flag.String("second-disk", "", "inventory path of a VM that gets a second disk")
	poweredOff := flag.String("powered-off", "", "inventory path of a VM powered off before serving (an export needs no --power-off then)")
	flag.Parse()
	log.SetOutput(os.Stderr)

	if *trace != "" {
		f, err := os.Create(*trace)
		if err != nil {
			fatal(err)
		}
		simulator.Trace = true
		simulator.TraceFile = f
	}

	simulator.NoCreateDescriptor = *noDescriptor
	model = simulator.VPX()
	if err := model.Create(); err != nil {
		fatal(err)
	}
	defer model.Remove()
	// The login the simulator accepts comes from the environment, so it is never in a process listing.
	login := url.UserPassword(env("VCSIM_USERNAME", "user"), env("VCSIM_PASSWORD", "pass"))
	model.Service.Listen = &url.URL{Host: *listen, User: login}
	if *useTLS {
		model.Service.TLS = new(tls.Config)
	}
	model.Service.HandleFunc("/nfc/export/", simulator.ServeNFCExport)
	server := model.Service.NewServer()
	defer server.Close()

	ctx := context.Background()
	client, err := govmomi.NewClient(ctx, server.URL, true)
	if err != nil {
		fatal(err)
	}
	finder := find.NewFinder(client.Client, true)
	dc, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		fatal(err)
	}
	finder.SetDatacenter(dc)

	if *duplicate != "" {
		vm, err := finder.VirtualMachine(ctx, *duplicate)
		if err != nil {
			fatal(err)
		}
		folders, err := dc.Folders(ctx)
		if err != nil {
			fatal(err)
		}
		dup, err := folders.VmFolder.CreateFolder(ctx, "dup")
		if err != nil {
			fatal(err)
		}
		task, err := vm.Clone(ctx, dup, path.Base(*duplicate), types.VirtualMachineCloneSpec{})
		if err != nil {
			fatal(err)
		}
		if err := task.Wait(ctx); err != nil {
			fatal(err)
		}
	}
	if *efi != "" {
		vm, err := finder.VirtualMachine(ctx, *efi)
		if err != nil {
			fatal(err)
		}
		reconfigure(ctx, vm, types.VirtualMachineConfigSpec{Firmware: string(types.GuestOsDescriptorFirmwareTypeEfi)})
	}

	if *secondDisk != "" {
		vm, err := finder.VirtualMachine(ctx, *secondDisk)
		if err != nil {
			fatal(err)
		}
		addDisk(ctx, vm)
	}

	if *guest != "" {
		parts := strings.SplitN(*guest, "=", 2)
		vm, err := finder.VirtualMachine(ctx, parts[0])
		if err != nil || len(parts) != 2 {
			fatal(fmt.Errorf("-guest %s: %v", *guest, err))
		}
		reconfigure(ctx, vm, types.VirtualMachineConfigSpec{GuestId: parts[1]})
	}

	if *poweredOff != "" {
		vm, err := finder.VirtualMachine(ctx, *poweredOff)
		if err != nil {
			fatal(err)
		}
		task, err := vm.PowerOff(ctx)
		if err != nil {
			fatal(err)
		}
		if err := task.Wait(ctx); err != nil {
			fatal(err)
		}
	}

	vms, err := finder.VirtualMachineList(ctx, "*")
	if err != nil {
		fatal(err)
	}
	desc := description{URL: server.URL.String()}
	for _, vm := range vms {
		if *diskMiB > 0 {
			grow(ctx, vm, *diskMiB)
		}
		desc.VMs = append(desc.VMs, vmFacts{Path: vm.InventoryPath, Disks: diskFiles(ctx, client, vm)})
	}
	// The URL carries the simulator's fixed test login; the tests pass credentials on their own.
	u := *server.URL
	u.User = nil
	desc.URL = u.String()

	out, _ := json.Marshal(desc)
	fmt.Println(string(out))
	_, _ = io.Copy(ioutil.Discard, os.Stdin)
}

// model is the simulated inventory; its datastores are temporary folders that fatal removes too.
var model *simulator.Model

// fatal stops with err, removing the model's folders first (log.Fatal would skip the deferred Remove).
func fatal(err error) {
	if model != nil {
		model.Remove()
	}
	log.Fatal(err)
}

func env(key, otherwise string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return otherwise
}

func reconfigure(ctx context.Context, vm *object.VirtualMachine, spec types.VirtualMachineConfigSpec) {
	task, err := vm.Reconfigure(ctx, spec)
	if err != nil {
		fatal(err)
	}
	if err := task.Wait(ctx); err != nil {
		fatal(err)
	}
}

// addDisk gives vm one more disk on the controller and datastore of its first one.
func addDisk(ctx context.Context, vm *object.VirtualMachine) {
	devices, err := vm.Device(ctx)
	if err != nil {
		fatal(err)
	}
	first := devices.SelectByType((*types.VirtualDisk)(nil))[0].(*types.VirtualDisk)
	controller := devices.FindByKey(first.ControllerKey).(types.BaseVirtualController)
	backing := first.Backing.(types.BaseVirtualDeviceFileBackingInfo).GetVirtualDeviceFileBackingInfo()
	var p object.DatastorePath
	p.FromString(backing.FileName)
	name := fmt.Sprintf("[%s] %s/data.vmdk", p.Datastore, path.Dir(p.Path))
	disk := devices.CreateDisk(controller, *backing.Datastore, name)
	disk.CapacityInKB = 1024
	if err := vm.AddDevice(ctx, disk); err != nil {
		fatal(err)
	}
}

// grow sets every disk of vm to mib MiB, so the capacities the tests see match the disks they put in place.
func grow(ctx context.Context, vm *object.VirtualMachine, mib int64) {
	devices, err := vm.Device(ctx)
	if err != nil {
		fatal(err)
	}
	var spec types.VirtualMachineConfigSpec
	for _, d := range devices.SelectByType((*types.VirtualDisk)(nil)) {
		disk := d.(*types.VirtualDisk)
		disk.CapacityInKB = mib * 1024
		disk.CapacityInBytes = mib * 1024 * 1024
		spec.DeviceChange = append(spec.DeviceChange, &types.VirtualDeviceConfigSpec{
			Operation: types.VirtualDeviceConfigSpecOperationEdit,
			Device:    disk,
		})
	}
	reconfigure(ctx, vm, spec)
}

// diskFiles resolves the VM's disk backing files to paths on this machine (the datastores are local folders).
func diskFiles(ctx context.Context, client *govmomi.Client, vm *object.VirtualMachine) []string {
	devices, err := vm.Device(ctx)
	if err != nil {
		fatal(err)
	}
	files := []string{}
	for _, d := range devices.SelectByType((*types.VirtualDisk)(nil)) {
		backing := d.GetVirtualDevice().Backing.(types.BaseVirtualDeviceFileBackingInfo).GetVirtualDeviceFileBackingInfo()
		var p object.DatastorePath
		p.FromString(backing.FileName)
		var ds mo.Datastore
		if err := client.RetrieveOne(ctx, *backing.Datastore, []string{"info"}, &ds); err != nil {
			fatal(err)
		}
		files = append(files, path.Join(ds.Info.GetDatastoreInfo().Url, p.Path))
	}
	return files
}
