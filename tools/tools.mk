# tools/: the host command-line tool build/vmdk, linked with the same core/
# library as the loader (build/host/libcore.a) and the POSIX platform.
TOOL_SRCS := $(sort $(wildcard tools/*.c))
TOOL_OBJS := $(patsubst %.c,$(HOST_OBJ)/%.o,$(TOOL_SRCS))
# libdeflate compresses and inflates grains on the tool's worker threads.
TOOL_LDLIBS := -ldeflate -lpthread

$(HOST_OBJ)/tools/%.o: tools/%.c tools/vmdk_tool.h tools/pipeline.h $(CORE_HDRS) $(wildcard platform/host/*.h) $(HOST_FLAGS_STAMP) | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Itools -c $< -o $@

$(BUILD)/vmdk: $(TOOL_OBJS) $(PLATFORM_HOST_OBJS) $(HOST_OBJ)/libcore.a $(BIN_FLAGS_STAMP)
	$(CC) $(HOST_LDFLAGS) $(TOOL_OBJS) $(PLATFORM_HOST_OBJS) $(HOST_OBJ)/libcore.a -o $@ $(TOOL_LDLIBS)

ALL_TARGETS += $(BUILD)/vmdk
