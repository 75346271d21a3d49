//! The part of a client that is the same in every transport, written once and expanded in
//! each transport crate by [`client_shell!`](crate::client_shell): the bound-request type and
//! the `Client` methods that only touch the [`Engine`](crate::Engine).

/// Generates, in a transport crate, the `Request<'c, O>` type (an operation bound to a
/// client), `Client::from_env` (under the attributes given, e.g. a `cfg` for the default
/// sender's feature) and the engine-only `Client` methods. `from_env` reads variables through
/// an `env_var(&str) -> Option<String>` function of the transport (core reads no environment). It expects a `Client` struct with an
/// `engine: Engine` field and an `inner: Arc<_>` field in scope where it is invoked.
#[doc(hidden)]
#[macro_export]
macro_rules! client_shell {
    ($(#[$default:meta])*) => {
        $(#[$default])*
        impl Client {
            /// A client over the default sender, configured from `AB_*` environment variables
            /// (see [`Config::from_lookup`]($crate::Config::from_lookup)).
            pub fn from_env() -> Result<Client, $crate::Error> {
                Client::new($crate::Config::from_lookup(env_var)?)
            }
        }

        /// An operation bound to a client, ready to send. Add optional arguments with
        /// [`Request::map`].
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct Request<'c, O> {
            client: &'c Client,
            op: O,
        }

        impl<'c, O> Request<'c, O> {
            /// Binds `op` to `client`.
            pub fn new(client: &'c Client, op: O) -> Self {
                Request { client, op }
            }

            /// Changes the operation, typically with its optional-argument setters:
            /// `.map(|op| op.include_line_items(true))`.
            pub fn map(self, f: impl FnOnce(O) -> O) -> Self {
                Request { client: self.client, op: f(self.op) }
            }

            /// The operation.
            pub fn op(&self) -> &O {
                &self.op
            }
        }

        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Client").field("engine", &self.engine).finish_non_exhaustive()
            }
        }

        impl Client {
            /// The protocol engine (configuration, the in-process store).
            pub fn engine(&self) -> &$crate::Engine {
                &self.engine
            }

            /// The configuration.
            pub fn config(&self) -> &$crate::Config {
                self.engine.config()
            }

            /// A client acting for another customer (another refresh token), sharing this
            /// one's token store, pacer and connections.
            pub fn with_refresh_token(
                &self,
                refresh_token: impl Into<$crate::Secret>,
            ) -> Result<Client, $crate::Error> {
                Ok(Client {
                    engine: self.engine.with_refresh_token(refresh_token)?,
                    inner: self.inner.clone(),
                })
            }

            /// Swaps in a new client secret and drops the cached tokens of every customer of
            /// the application, in this process and in a shared store; see
            /// [`Engine::rotate_client_secret`]($crate::Engine::rotate_client_secret).
            pub fn rotate_client_secret(
                &self,
                new_secret: impl Into<$crate::Secret>,
            ) -> Result<(), $crate::Error> {
                self.engine.rotate_client_secret(new_secret)?;
                let client_id = self.engine.config().credentials().client_id().to_owned();
                let now = $crate::Driver::now(self);
                $crate::Driver::store_detached(self, $crate::StoreOp::ForgetClient { client_id }, now);
                Ok(())
            }
        }
    };
}

/// Generates, in a transport crate's `onboarding` module, the `Onboarder` type (an
/// [`OnboardingClient`](crate::onboarding::OnboardingClient) over the crate's sender) with its
/// constructors, expecting `HttpSend` and `OnboardingClient` in scope. `$default` names the
/// constructor over the crate's default sender `$sender`, under the attributes given.
#[doc(hidden)]
#[macro_export]
macro_rules! onboarder_shell {
    ($(#[$m:meta])* $default:ident => $sender:path) => {
        /// Sends an [`OnboardingClient`]'s requests: the application's side of onboarding,
        /// before the customer has a refresh token.
        #[derive(Clone)]
        pub struct Onboarder {
            client: OnboardingClient,
            sender: std::sync::Arc<dyn HttpSend>,
        }

        impl std::fmt::Debug for Onboarder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Onboarder").field("client", &self.client).finish_non_exhaustive()
            }
        }

        impl Onboarder {
            /// Over your own sender.
            pub fn new(client: OnboardingClient, sender: impl HttpSend + 'static) -> Self {
                Onboarder { client, sender: std::sync::Arc::new(sender) }
            }

            /// Over this crate's default sender (default timeouts, no proxy).
            $(#[$m])*
            pub fn $default(client: OnboardingClient) -> Result<Self, $crate::Error> {
                let config = client.sender_config()?;
                Ok(Onboarder::new(client, <$sender>::new(&config)?))
            }

            /// The protocol side.
            pub fn client(&self) -> &OnboardingClient {
                &self.client
            }
        }
    };
}
