/* layer_check.c - the empty program each layer library is linked into on
 * its own (CMakeLists.txt, layer_check_*): linking fails when the layer
 * calls a function of a layer above it. */
int main(void);
int main(void)
{
  return 0;
}
