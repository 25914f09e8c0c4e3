package outbound

import (
	"net/netip"
	"testing"
)

func TestCheck(t *testing.T) {
	allow := []netip.Prefix{netip.MustParsePrefix("169.254.170.2/32")}
	for addr, refused := range map[string]bool{
		"169.254.169.254": true, "169.254.0.1": true, "fd00:ec2::254": true, "fe80::1": true,
		"169.254.170.2": false, // allowed
		"127.0.0.1":     false, "::1": false, "10.0.0.1": false, "fd00:ec2::253": false, "93.184.216.34": false,
	} {
		err := check(netip.MustParseAddr(addr), Refused(), allow)
		if (err != nil) != refused {
			t.Errorf("%s: %v", addr, err)
		}
	}
}
