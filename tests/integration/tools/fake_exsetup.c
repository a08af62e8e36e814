/* fake_exsetup.c - integration-test stand-in for Exchange 2007's
 * bin\ExSetup.exe: it does nothing; only its version resource matters
 * (fixtures/exchange/exsetup_version.rc, linked in by the test script),
 * which srvdoctor reads as the installed Exchange build. */
int main(void)
{
  return 0;
}
