/* oserror.c - the one map from the error codes srvdoctor meets to the
 * sentence it says: Win32 system error codes and the HRESULTs of COM and
 * WMI (libuv's uv_translate_sys_error is the model: one table, looked up
 * by every caller).  The texts are Microsoft's own message texts, so a
 * report says the same on every system and in every language of Windows;
 * a code not in the table is worded by the system (FormatMessage) on
 * Windows, or by its number elsewhere (sd_os_error_text, platform.h).
 *
 * Sources: "System Error Codes (0-499)", "(500-999)", "(1000-1299)",
 * "(1300-1699)" and "(1700-3999)" (Microsoft Learn, Win32 debug
 * reference) for the Win32 codes; "WMI Error Constants" (Microsoft Learn,
 * WMI reference) for WBEM_E_*; "COM Error Codes (Generic)" and
 * "(RPC)" for E_* and RPC_E_*. */
#include "srvdoctor/error.h"

#include "srvdoctor/base.h"

static const struct {
  uint32_t code;
  const char *text;
} os_errors[] = {
  /* Win32 system error codes */
  {0, "The operation completed successfully."},
  {2, "The system cannot find the file specified."},
  {3, "The system cannot find the path specified."},
  {5, "Access is denied."},
  {6, "The handle is invalid."},
  {8, "Not enough memory resources are available to process this command."},
  {13, "The data is invalid."},
  {21, "The device is not ready."},
  {32, "The process cannot access the file because it is being used by "
       "another process."},
  {33, "The process cannot access the file because another process has "
       "locked a portion of the file."},
  {38, "Reached the end of the file."},
  {50, "The request is not supported."},
  {53, "The network path was not found."},
  {67, "The network name cannot be found."},
  {87, "The parameter is incorrect."},
  {112, "There is not enough space on the disk."},
  {122, "The data area passed to a system call is too small."},
  {126, "The specified module could not be found."},
  {127, "The specified procedure could not be found."},
  {234, "More data is available."},
  {258, "The wait operation timed out."},
  {259, "No more data is available."},
  {299, "Only part of a ReadProcessMemory or WriteProcessMemory request was "
        "completed."},
  {1060, "The specified service does not exist as an installed service."},
  {1062, "The service has not been started."},
  {1066, "The service has returned a service-specific error code."},
  {1067, "The process terminated unexpectedly."},
  {1077, "No attempts to start the service have been made since the last "
         "boot."},
  {1115, "A system shutdown is in progress."},
  {1231, "The network location cannot be reached."},
  {1314, "A required privilege is not held by the client."},
  {1326, "The user name or password is incorrect."},
  {1355, "The specified domain either does not exist or could not be "
         "contacted."},
  {1460, "This operation returned because the timeout period expired."},
  {1605, "This action is only valid for products that are currently "
         "installed."},
  {1610, "The configuration data for this product is corrupt."},
  {1722, "The RPC server is unavailable."},
  {1727, "The remote procedure call failed and did not execute."},
  /* COM and RPC HRESULTs */
  {0x80004001u, "Not implemented."},
  {0x80004002u, "No such interface supported."},
  {0x80004005u, "Unspecified error."},
  {0x80070005u, "Access is denied."},
  {0x8007000Eu, "Not enough memory resources are available to complete this "
                "operation."},
  {0x80010001u, "Call was rejected by callee."},
  {0x80010108u, "The object invoked has disconnected from its clients."},
  {0x800706BAu, "The RPC server is unavailable."},
  {0x800706BEu, "The remote procedure call failed."},
  /* WMI (WBEM_E_*) */
  {0x80041001u, "WMI: the call failed (WBEM_E_FAILED)."},
  {0x80041002u, "WMI: the object could not be found (WBEM_E_NOT_FOUND)."},
  {0x80041003u, "WMI: access denied; the current user does not have "
                "permission to perform the action (WBEM_E_ACCESS_DENIED)."},
  {0x80041006u, "WMI: there was not enough memory for the operation "
                "(WBEM_E_OUT_OF_MEMORY)."},
  {0x80041008u, "WMI: a parameter was not valid (WBEM_E_INVALID_PARAMETER)."},
  {0x8004100Au, "WMI: an internal, critical, and unexpected error occurred "
                "(WBEM_E_CRITICAL_ERROR)."},
  {0x8004100Cu, "WMI: the feature or operation is not supported "
                "(WBEM_E_NOT_SUPPORTED)."},
  {0x8004100Eu, "WMI: the namespace specified could not be found "
                "(WBEM_E_INVALID_NAMESPACE)."},
  {0x80041010u, "WMI: the specified class is not valid "
                "(WBEM_E_INVALID_CLASS)."},
  {0x80041013u, "WMI: the provider failed to load "
                "(WBEM_E_PROVIDER_LOAD_FAILURE)."},
  {0x80041017u, "WMI: the query was not syntactically valid "
                "(WBEM_E_INVALID_QUERY)."},
  {0x8004101Du, "WMI: the client was not retrieving objects quickly enough "
                "from an enumeration (WBEM_E_UNEXPECTED)."},
  {0x80041032u, "WMI: the call was cancelled (WBEM_E_CALL_CANCELLED)."},
  {0x80041033u, "WMI: a shutdown is in progress (WBEM_E_SHUTTING_DOWN)."},
  {0x80041045u, "WMI: the operation was timed out "
                "(WBEM_E_PROVIDER_TIMED_OUT)."},
  {0x80041069u, "WMI: the provider could not be found or could not be "
                "loaded (WBEM_E_PROVIDER_NOT_FOUND)."},
};

const char *sd_os_error_known(uint32_t code)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(os_errors); i++)
    if(os_errors[i].code == code)
      return os_errors[i].text;
  return NULL;
}
