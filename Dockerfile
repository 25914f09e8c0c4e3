# vendoremu: the five vendor emulators in one small image.
#
#   docker build -t vendoremu .
#   docker run -p 8080:8080 -v vendoremu-data:/data vendoremu
#
# The binary is cgo (mattn/go-sqlite3) linked statically, so the image is
# FROM scratch: the binary, CA certificates for outbound https callbacks, an
# empty /data owned by the non-root user (uid 65532) and nothing else.
# Time zones (Keitaro tenants) come from Go's embedded copy (timetzdata).
#
# .ci/run builds the binary with GO_TAGS and GO_LDFLAGS read from this file,
# lays out what the `build` stage makes in /out, and builds the `image`
# stage from it with podman (--build-context build=…): CI builds and runs the
# stage users get, without a Docker engine or a base image.

FROM golang:1.26-bookworm AS build
# netgo/osusergo: no glibc NSS (which a static binary cannot load);
# timetzdata: zoneinfo inside the binary; nomsgpack: gin without MessagePack
# (no vendor speaks it; 6 MB less binary and memory);
# sqlite_omit_load_extension: no dlopen in a static binary.
ARG GO_TAGS=netgo,osusergo,nomsgpack,timetzdata,sqlite_omit_load_extension
ARG GO_LDFLAGS="-s -w -linkmode external -extldflags -static"
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -tags "${GO_TAGS}" -trimpath -ldflags "${GO_LDFLAGS} -X main.version=${VERSION}" \
      -o /out/emulator ./cmd/emulator \
 && mkdir -p /out/data /out/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /out/ca-certificates.crt

FROM scratch AS image
COPY --from=build /out/emulator /emulator
COPY --from=build /out/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# /tmp for SQLite's temporary files (large report sorts); both writable only
# by the user the emulator runs as.
COPY --from=build --chown=65532:65532 /out/tmp /tmp
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV EMULATOR_ADDR=0.0.0.0:8080 \
    EMULATOR_DB=/data/vendoremu.db \
    EMULATOR_LOG=json
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 CMD ["/emulator", "-healthcheck"]
ENTRYPOINT ["/emulator"]
