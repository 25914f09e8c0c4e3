package keitaro

import "github.com/gin-gonic/gin"

// control registers the vendor's /_emulator/keitaro/… helpers. The tenants
// route belongs to the server (CreateTenant in seed.go); the click and
// conversion helpers of §7.2 and §7.3 arrive with the traffic side.
func (e *Emulator) control(*gin.RouterGroup) {}
