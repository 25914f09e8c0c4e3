package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/store"
)

// snapshotError maps the store's snapshot errors to the control plane's.
func snapshotError(name string, err error) error {
	switch {
	case errors.Is(err, store.ErrSnapshotName):
		return emu.BadRequest("%v, got %q", err, name)
	case errors.Is(err, store.ErrNoSnapshot):
		return emu.NotFound("no snapshot %q", name)
	case errors.Is(err, store.ErrSnapshotSchema):
		return emu.Conflict("snapshot %q: %v", name, err)
	}
	return err
}

// SaveSnapshot saves the whole database as the snapshot name (replacing
// one of that name), like POST /_emulator/snapshots.
func (s *Server) SaveSnapshot(ctx context.Context, name string) (store.SnapshotInfo, error) {
	info, err := s.store.SaveSnapshot(ctx, name)
	return info, snapshotError(name, err)
}

// RestoreSnapshot brings the snapshot name back, like
// POST /_emulator/snapshots/<name>/restore. Clocks, faults and the journal
// stay as they are.
func (s *Server) RestoreSnapshot(ctx context.Context, name string) error {
	return snapshotError(name, s.store.RestoreSnapshot(ctx, name))
}

// listSnapshots is GET /_emulator/snapshots.
func (s *Server) listSnapshots(c *gin.Context) {
	list, err := s.store.Snapshots(c)
	if err != nil {
		s.controlError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"snapshots": list})
}

// saveSnapshot is POST /_emulator/snapshots {"name":"…"}.
func (s *Server) saveSnapshot(c *gin.Context) {
	body, ok := readBody(c)
	if !ok {
		return
	}
	var in struct {
		Name *string `json:"name"`
	}
	if err := emu.DecodeStrict(body, &in); err != nil {
		emu.Abort(c, err)
		return
	}
	if in.Name == nil {
		emu.Abort(c, emu.BadRequest(`body must be {"name":"<snapshot name>"}`))
		return
	}
	info, err := s.SaveSnapshot(c, *in.Name)
	if err != nil {
		s.controlError(c, err)
		return
	}
	c.JSON(http.StatusCreated, info)
}

// restoreSnapshot is POST /_emulator/snapshots/<name>/restore.
func (s *Server) restoreSnapshot(c *gin.Context) {
	name := c.Param("name")
	if err := s.RestoreSnapshot(c, name); err != nil {
		s.controlError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "name": name})
}

// deleteSnapshot is DELETE /_emulator/snapshots/<name>.
func (s *Server) deleteSnapshot(c *gin.Context) {
	name := c.Param("name")
	if err := snapshotError(name, s.store.DeleteSnapshot(name)); err != nil {
		s.controlError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
