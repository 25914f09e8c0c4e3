# vendoremu: the five vendor emulators in one small image.
#
#   docker build -t vendoremu .
#   docker run -p 8080:8080 -v vendoremu-data:/data vendoremu
#
# The build is cgo (mattn/go-sqlite3); .ci/run builds the binary with the
# same flags, so a broken build shows up in CI even where no Docker engine runs.
# nomsgpack leaves gin's MessagePack codec out: 6 MB less binary and resident memory.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -tags nomsgpack -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/emulator ./cmd/emulator \
 && mkdir -p /out/data

# distroless/base has the glibc a cgo binary needs and nothing else; the
# nonroot user is uid 65532.
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/emulator /emulator
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV EMULATOR_ADDR=0.0.0.0:8080 \
    EMULATOR_DB=/data/vendoremu.db \
    EMULATOR_LOG=json
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 CMD ["/emulator", "-healthcheck"]
ENTRYPOINT ["/emulator"]
