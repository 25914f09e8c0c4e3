package twipla

import (
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/wire"
)

// The recording helper writes its sessions straight into the answer
// (sessionList); the bytes must be those of the Session objects the
// analytics endpoints write (session.wire), text that needs escaping and
// extreme counts included.
func TestSessionListWritesSessionObjects(t *testing.T) {
	list := []*session{
		{id: "a", visitorID: "v\"1\\", startedAt: stamp{time.Date(2031, 3, 2, 9, 0, 0, 0, time.UTC)}, duration: 120,
			pageViews: 3, events: 2, recorded: true, dims: [len(dimensions)]string{"DE", "mobile", "Firefox <&>", "", "ref\u2028", "/ü", "", "x\u0000y", "😀"}},
		{id: "b", visitorID: "", startedAt: stamp{time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)}, duration: 1 << 40,
			pageViews: 1, events: 0, dims: sessionDefaults},
	}
	objs := make([]wire.Object, len(list))
	for i, ss := range list {
		objs[i] = ss.wire(allDimensions())
	}
	want, err := wire.Marshal(wire.Obj("sessions", objs))
	if err != nil {
		t.Fatal(err)
	}
	got, err := wire.Marshal(wire.Obj("sessions", sessionList(list)))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("sessionList:\n%s\nsession.wire:\n%s", got, want)
	}
}
