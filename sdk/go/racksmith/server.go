// Package racksmith is the hand-written Go SDK of racksmith's Pulumi
// provider: typed wrappers over ctx.RegisterResource("racksmith:index:Server").
// The shapes mirror the provider's schema (`pulumi package get-schema
// bin/pulumi-resource-racksmith`).
package racksmith

import (
	"errors"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ServerType is the resource token.
const ServerType = "racksmith:index:Server"

// Server is one bare-metal machine installed through its BMC and its site's
// boot server.
type Server struct {
	pulumi.CustomResourceState

	Hostname       pulumi.StringOutput    `pulumi:"hostname"`
	Site           pulumi.StringOutput    `pulumi:"site"`
	Mac            pulumi.StringOutput    `pulumi:"mac"`
	PowerState     pulumi.StringOutput    `pulumi:"powerState"`
	InstallState   pulumi.StringOutput    `pulumi:"installState"`
	InstalledImage pulumi.StringOutput    `pulumi:"installedImage"`
	ArrayUuids     pulumi.StringMapOutput `pulumi:"arrayUuids"`
	LuksUuid       pulumi.StringOutput    `pulumi:"luksUuid"`
	InstalledAt    pulumi.StringOutput    `pulumi:"installedAt"`
	InstallSeconds pulumi.Float64Output   `pulumi:"installSeconds"`
	PlanHash       pulumi.StringOutput    `pulumi:"planHash"`
	FilesDelivered pulumi.StringMapOutput `pulumi:"filesDelivered"`
	FailedStage    pulumi.StringOutput    `pulumi:"failedStage"`
	// LuksKey is the LUKS passphrase the provider generated: always secret.
	LuksKey pulumi.StringOutput `pulumi:"luksKey"`
	// RecoveryKey is the recovery passphrase of the root's second keyslot
	// (Encryption.Recovery), escrowed only in the stack's state: always secret.
	RecoveryKey pulumi.StringOutput `pulumi:"recoveryKey"`
}

// ServerArgs are a Server's inputs. Nested values are plain Go values
// except the BMC password, an Input so that it stays a secret.
type ServerArgs struct {
	Hostname       pulumi.StringInput `pulumi:"hostname"`
	Site           pulumi.StringInput `pulumi:"site"`
	Mac            pulumi.StringInput `pulumi:"mac"`
	Nics           []NIC              `pulumi:"nics"`
	Address        pulumi.StringInput `pulumi:"address"`
	Gateway        string             `pulumi:"gateway"`
	Dns            []string           `pulumi:"dns"`
	Bmc            BMC                `pulumi:"bmc"`
	BootServerUrl  pulumi.StringInput `pulumi:"bootServerUrl"`
	Image          Image              `pulumi:"image"`
	Storage        Storage            `pulumi:"storage"`
	Firmware       string             `pulumi:"firmware"` // "bios" (default) or "uefi"
	Files          []File             `pulumi:"files"`
	AfterInstall   string             `pulumi:"afterInstall"`
	InstallTimeout string             `pulumi:"installTimeout"`
	RebootGroups   []string           `pulumi:"rebootGroups"`
}

// ElementType is the resolved shape of ServerArgs.
func (ServerArgs) ElementType() reflect.Type { return reflect.TypeOf(serverArgs{}) }

// serverArgs is ServerArgs resolved, field for field.
type serverArgs struct {
	Hostname       string   `pulumi:"hostname"`
	Site           string   `pulumi:"site"`
	Mac            string   `pulumi:"mac"`
	Nics           []NIC    `pulumi:"nics"`
	Address        string   `pulumi:"address"`
	Gateway        string   `pulumi:"gateway"`
	Dns            []string `pulumi:"dns"`
	Bmc            bmcArgs  `pulumi:"bmc"`
	BootServerUrl  string   `pulumi:"bootServerUrl"`
	Image          Image    `pulumi:"image"`
	Storage        Storage  `pulumi:"storage"`
	Firmware       string   `pulumi:"firmware"`
	Files          []File   `pulumi:"files"`
	AfterInstall   string   `pulumi:"afterInstall"`
	InstallTimeout string   `pulumi:"installTimeout"`
	RebootGroups   []string `pulumi:"rebootGroups"`
}

// NIC is one network interface.
type NIC struct {
	Name    string `pulumi:"name"`
	Mac     string `pulumi:"mac"`
	Purpose string `pulumi:"purpose"`
}

// BMC is how the provider reaches the server's BMC.
type BMC struct {
	Address  string             `pulumi:"address"`
	Port     int                `pulumi:"port"`
	Protocol string             `pulumi:"protocol"`
	Username string             `pulumi:"username"`
	Password pulumi.StringInput `pulumi:"password"`
}

// ElementType makes BMC an Input whose password is awaited in place.
func (BMC) ElementType() reflect.Type { return reflect.TypeOf(bmcArgs{}) }

// bmcArgs is BMC resolved, field for field.
type bmcArgs struct {
	Address  string `pulumi:"address"`
	Port     int    `pulumi:"port"`
	Protocol string `pulumi:"protocol"`
	Username string `pulumi:"username"`
	Password string `pulumi:"password"`
}

// Image is the OS image.
type Image struct {
	Name   string `pulumi:"name"`
	Url    string `pulumi:"url"`
	Sha256 string `pulumi:"sha256"`
}

// Storage is one RAID array over Disks with LUKS2 on top.
type Storage struct {
	RaidLevel  int         `pulumi:"raidLevel"`
	Disks      []Disk      `pulumi:"disks"`
	Encryption *Encryption `pulumi:"encryption"`
}

// Disk is one planned disk.
type Disk struct {
	Name      string `pulumi:"name"`
	Serial    string `pulumi:"serial"`
	Path      string `pulumi:"path"`
	SizeBytes int64  `pulumi:"sizeBytes"`
}

// Encryption is the LUKS2 layer.
type Encryption struct {
	Cipher    string   `pulumi:"cipher"`
	Pbkdf     string   `pulumi:"pbkdf"`
	PbkdfIter int      `pulumi:"pbkdfIter"`
	KeySource string   `pulumi:"keySource"`
	Tang      []string `pulumi:"tang"`
	// TangThumbprints pairs with Tang: each server's signing key thumbprint (all or none).
	TangThumbprints []string `pulumi:"tangThumbprints"`
	Recovery        bool     `pulumi:"recovery"`
}

// File is one role file written into the installed root.
type File struct {
	Path    string `pulumi:"path"`
	Mode    int    `pulumi:"mode"`
	Content string `pulumi:"content"`
}

// NewServer registers a Server. The BMC password, the LUKS key and the recovery passphrase are
// registered as additional secret outputs.
func NewServer(ctx *pulumi.Context, name string, args *ServerArgs, opts ...pulumi.ResourceOption) (*Server, error) {
	if args == nil {
		return nil, errors.New("racksmith.NewServer: args are required")
	}
	if args.Bmc.Password != nil {
		args.Bmc.Password = pulumi.ToSecret(args.Bmc.Password).(pulumi.StringOutput)
	}
	opts = append(opts, pulumi.AdditionalSecretOutputs([]string{"luksKey", "recoveryKey"}))
	var r Server
	if err := ctx.RegisterResource(ServerType, name, args, &r, opts...); err != nil {
		return nil, err
	}
	return &r, nil
}
