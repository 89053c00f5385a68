# tests/install: `make install` (PREFIX, DESTDIR) and tools/vmdkboot-install.
# install-tests installs into a temporary DESTDIR and checks every file, then
# runs the installed vmdkboot-install twice into an empty folder: the second
# run must leave the configuration as the first wrote it.
PREFIX ?= /usr/local
INSTALL_FILES := $(BUILD)/vmdk $(BUILD)/vmdkboot.efi tools/vmdkboot-install tools/vmdk.1

.PHONY: install install-tests
install: $(INSTALL_FILES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/vmdkboot \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/vmdk tools/vmdkboot-install $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/vmdkboot.efi $(DESTDIR)$(PREFIX)/lib/vmdkboot/vmdkbootx64.efi
	install -m 644 tools/vmdk.1 $(DESTDIR)$(PREFIX)/share/man/man1/vmdk.1

TEST_BUILD += $(INSTALL_FILES)
install-tests: $(INSTALL_FILES)
	tests/install/run.sh $(BUILD)/tests/install

TEST_STEPS += install-tests
